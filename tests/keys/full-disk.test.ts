import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpendLedger } from '../../source/state/spend-ledger-file.js';
import { VirtualKeys, virtualKeyPaths } from '../../source/keys/virtual-keys.js';
import { startHarness, type Harness } from '../gateway/harness.js';

/**
 * A full disk, made with Linux's /dev/full (every write to it fails with ENOSPC): a state file is
 * pointed at it after the gateway opened its state, as a disk that fills up while it runs.
 */
const fullDevice = '/dev/full';
const haveFullDevice = existsSync(fullDevice);

let harness: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-full-'));
  dirs.push(dir);
  return dir;
}

describe.runIf(haveFullDevice)('state files on a full disk', () => {
  it('the spend ledger: the budget still counts every charge, one warning, and writing resumes on a line of its own', () => {
    const file = join(tempStateDir(), 'keys', 'spend.jsonl');
    const warnings: string[] = [];
    const ledger = new SpendLedger({ file, windowStartOf: () => 0, onWarning: (message) => warnings.push(message) });
    mkdirSync(dirname(file), { recursive: true });
    symlinkSync(fullDevice, file);
    ledger.charge('k1', 0.25, 1000);
    ledger.charge('k1', 0.5, 2000);
    expect(ledger.windowSpend('k1', 3000)).toBe(0.75);
    expect(warnings).toEqual([expect.stringMatching(/Could not write the spend ledger .*ENOSPC.*Budgets stay enforced/)]);
    // Space again (the link gone, a real file next): the next charge is written, and the user is told.
    unlinkSync(file);
    ledger.charge('k1', 1, 4000);
    expect(warnings[1]).toMatch(/written again/);
    ledger.close();
    const reread = new SpendLedger({ file, windowStartOf: () => 0 });
    expect(reread.totalSpend('k1')).toBe(1);
    expect(reread.skippedLines).toBe(0);
  });

  it('the keys file: /key/generate is a 503 saying what to do, nothing changed, no partial file left; the gateway goes on', async () => {
    const stateDir = tempStateDir();
    const master = 'master-key-full-disk-1';
    const keys = VirtualKeys.open(stateDir);
    harness = await startHarness({ gatewayApiKey: master, virtualKeys: keys });
    let made = 0;
    const generate = () =>
      fetch(`${harness!.url}/key/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
        body: JSON.stringify({ key_alias: `key-${(made += 1)}` }),
      });
    expect((await generate()).status).toBe(200);
    const { keysFile } = virtualKeyPaths(stateDir);
    const before = readFileSync(keysFile, 'utf8');
    // The atomic write's temporary file lands on the full disk.
    symlinkSync(fullDevice, `${keysFile}.isartor-${process.pid}.tmp`);
    const refused = await generate();
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Could not save the virtual keys file .*ENOSPC.*nothing changed.*Free disk space/);
    expect(readFileSync(keysFile, 'utf8')).toBe(before);
    expect(keys.list()).toHaveLength(1);
    expect(readdirSync(dirname(keysFile)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect((await fetch(`${harness.url}/health`)).status).toBe(200);
    expect((await generate()).status).toBe(200);
    expect(keys.list()).toHaveLength(2);
  });
});
