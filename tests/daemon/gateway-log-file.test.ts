import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayLogFile } from '../../source/daemon/gateway-log-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function logDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-gateway-log-'));
  dirs.push(dir);
  return join(dir, 'logs');
}

describe('GatewayLogFile', () => {
  it('rotates past maxBytes into gateway.1.log .. gateway.N.log, bounded, losing no line of the kept files', () => {
    const dir = logDir();
    const log = new GatewayLogFile(join(dir, 'gateway.log'), { maxBytes: 4096, keep: 3 });
    for (let i = 0; i < 5000; i++) {
      log.write(`line ${i} ${'x'.repeat(40)}\n`);
      if (i % 7 === 0) log.flush();
    }
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['gateway.1.log', 'gateway.2.log', 'gateway.3.log', 'gateway.log']);
    let total = 0;
    for (const name of readdirSync(dir)) {
      const size = statSync(join(dir, name)).size;
      expect(size).toBeLessThanOrEqual(4096);
      total += size;
    }
    expect(total).toBeLessThanOrEqual(4 * 4096);
    // Oldest kept file first: the lines run on without a gap up to the last one written.
    const lines = ['gateway.3.log', 'gateway.2.log', 'gateway.1.log', 'gateway.log'].flatMap((name) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean));
    const numbers = lines.map((line) => Number(/^line (\d+) /.exec(line)?.[1]));
    expect(numbers.at(-1)).toBe(4999);
    numbers.forEach((n, i) => expect(n).toBe(numbers[0]! + i));
  });

  it('batches request lines and writes urgent ones (warnings) at once, keeping their order', () => {
    const dir = logDir();
    const log = new GatewayLogFile(join(dir, 'gateway.log'));
    log.write('request 1\n');
    expect(() => readFileSync(join(dir, 'gateway.log'), 'utf8')).toThrow();
    log.write('warning: disk is slow\n', { urgent: true });
    expect(readFileSync(join(dir, 'gateway.log'), 'utf8')).toBe('request 1\nwarning: disk is slow\n');
    log.write('request 2\n');
    log.close();
    expect(readFileSync(join(dir, 'gateway.log'), 'utf8')).toBe('request 1\nwarning: disk is slow\nrequest 2\n');
    expect(statSync(join(dir, 'gateway.log')).mode & 0o777).toBe(0o600);
  });

  it('writes what waits within a short delay without being asked', async () => {
    const dir = logDir();
    const log = new GatewayLogFile(join(dir, 'gateway.log'));
    log.write('request 1\n');
    const file = join(dir, 'gateway.log');
    for (let i = 0; i < 400; i++) {
      try {
        if (readFileSync(file, 'utf8') === 'request 1\n') break;
      } catch {
        // not yet written
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(readFileSync(file, 'utf8')).toBe('request 1\n');
    log.close();
  });

  it('a failed write (the log dir cannot be made) keeps the newest 1 MB of lines and writes them once it can', () => {
    const dir = logDir();
    writeFileSync(dir, ''); // the logs dir is a file: every open fails
    const log = new GatewayLogFile(join(dir, 'gateway.log'));
    log.write('old\n', { urgent: true });
    log.write(`${'x'.repeat(600 * 1024)}\n`, { urgent: true });
    log.write(`${'y'.repeat(600 * 1024)}\n`, { urgent: true });
    log.write('last\n', { urgent: true });
    rmSync(dir);
    log.close();
    const text = readFileSync(join(dir, 'gateway.log'), 'utf8');
    expect(text.startsWith('y')).toBe(true);
    expect(text.endsWith('\nlast\n')).toBe(true);
    expect(text).not.toContain('old');
  });

  it('closing with lines waiting writes them (what the exit handler does)', () => {
    const dir = logDir();
    const log = new GatewayLogFile(join(dir, 'gateway.log'));
    log.write('request 1\n');
    log.write('request 2\n');
    log.close();
    expect(readFileSync(join(dir, 'gateway.log'), 'utf8')).toBe('request 1\nrequest 2\n');
  });

  it('a live file deleted while running: the next rotation starts a new one, and the lines of that write are kept', () => {
    const dir = logDir();
    const path = join(dir, 'gateway.log');
    const log = new GatewayLogFile(path, { maxBytes: 20, keep: 2 });
    log.write('line 01\n', { urgent: true });
    rmSync(path);
    log.write('line 02\n', { urgent: true }); // to the deleted file, through the open descriptor
    log.write('line 03\n', { urgent: true }); // a rotation: nothing to rename, so this write fails and waits
    log.write('line 04\n', { urgent: true });
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('line 03\nline 04\n');
  });
});
