import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { drawnForTerminal, drawnForTerminalPaced } from '../../source/trimming/terminal-display.js';
import { Pacer } from '../../source/trimming/pacer.js';
import { TerminalRender } from '../../source/trimming/terminal-screen.js';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { loadTerminalCaptures, requestWithOutput } from './fixtures/terminal-captures.js';

beforeAll(async () => {
  await prepareTrimmer();
});

const esc = '\u001b';

/** Progress displays as real tools draw them (tests/fixtures/terminal holds recorded ones). */
const drawn: Record<string, string> = {
  'tqdm into a pipe': `\rtrain:   0%|          | 0/300 [00:00<?, ?it/s]\rtrain:  33%|███▎      | 100/300 [00:00<00:01, 190.39it/s]\rtrain: 100%|██████████| 300/300 [00:01<00:00, 185.80it/s]\ndone\n`,
  'curl -#': `\r${'#'.repeat(6)}${' '.repeat(60)}  8.3%\r${'#'.repeat(40)}${' '.repeat(26)} 57.1%\r${'#'.repeat(72)} 100.0%\n`,
  'curl progress meter on stderr': [
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current',
    '                                 Dload  Upload   Total   Spent    Left  Speed',
    '\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r 45 10.0M   45 4608k    0     0  3912k      0  0:00:02  0:00:01  0:00:01 3913k\r100 10.0M  100 10.0M    0     0  5102k      0  0:00:02  0:00:02 --:--:-- 5103k',
    '',
  ].join('\n'),
  wget: `\rindex.html           45%[=======>           ]   1.20M   512KB/s    eta 3s     \rindex.html           90%[===============>   ]   2.40M   520KB/s    eta 1s     \rindex.html          100%[==================>]   2.60M   530KB/s    in 5.0s    \n\n2026-11-26 22:00:01 (530 KB/s) - 'index.html' saved [2726297/2726297]\n`,
  'git clone': `Cloning into 'repo'...\nReceiving objects:   1% (10/1000)\rReceiving objects:  45% (450/1000), 1.20 MiB | 2.30 MiB/s\rReceiving objects: 100% (1000/1000), 2.50 MiB | 2.30 MiB/s, done.\nResolving deltas:   0% (0/300)\rResolving deltas: 100% (300/300), done.\n`,
  rsync: `big.iso\n     32,768   0%    0.00kB/s    0:00:00  \r  1,048,576 100%  512.00kB/s    0:00:02 (xfr#1, to-chk=0/1)\n`,
  ffmpeg: `frame=  100 fps= 25 q=28.0 size=     256kB time=00:00:04.00 bitrate= 524.3kbits/s speed=1.0x    \rframe=  200 fps= 25 q=28.0 size=     512kB time=00:00:08.00 bitrate= 524.3kbits/s speed=1.0x    \n`,
  'a spinner': '|\r/\r-\r\\\rdone\n',
  'cargo: return and erase': `   Building [====>   ] 12/50: serde\r${esc}[K   Compiling serde v1.0\n`,
  'docker: erase the line, then return': `${esc}[1A${esc}[2K\rabc123: Pull complete\n`,
  'pip: a spinner erased with backspaces': `  Preparing metadata ... ${esc}[?25l-\b \bdone\r\n${esc}[?25h`,
  'CRLF line endings only': 'a\r\nb\r\n',
};

/** Outputs whose control characters are data the model must read as they are. */
const data: Record<string, string> = {
  'echo of a variable read from a CRLF file (the bug is the \\r)': 'Result: value\r done\n',
  'awk reordering the fields of a CRLF CSV': 'c3\r,c1\nf3\r,f1\n',
  'grep of a file with CR-only line endings': 'notes.txt:line one\rline two\rline three\n',
  'a CR-only CSV of numbers': '1,2,3\r4,5,6\r7,8,9\n',
  'lines ending in \\r\\r\\n': 'first\r\r\nsecond\r\r\n',
  'a status line rewritten once, without any progress mark': 'collecting ... \rcollected 42 items\n',
  'find -print0': './a.txt\u0000./b.txt\u0000',
  'git status -z': ' M src/a.ts\u0000?? new file.txt\u0000',
  'a man page with overstrike (bold)': 'N\bNA\bAM\bME\bE\n     ls - list directory contents\n',
  'text decoded as Latin-1 (C1 characters)': 'price: 5 \u0080, quote: \u0093x\u0094\n',
  'a bell outside a title sequence': 'build finished\u0007\n',
  'grep --color of a log holding a progress frame and an error on one line': `build.log:${esc}[01;31m${esc}[KDownloading${esc}[m${esc}[K 50%\rerror: disk full\n`,
};

describe('which control characters are a terminal display', () => {
  it.each(Object.entries(drawn))('a terminal drew it: %s', (_name, text) => {
    expect(drawnForTerminal(text)).toBe(true);
  });

  it.each(Object.entries(data))('data: %s', (_name, text) => {
    expect(drawnForTerminal(text)).toBe(false);
  });

  it('recorded progress into a pipe (tests/fixtures/progress: curl meter, curl -#, wget, git clone): drawn for a terminal, rendered to the last frame', () => {
    const dir = fileURLToPath(new URL('../fixtures/progress/', import.meta.url));
    const last: Record<string, string> = {
      'curl-meter': '100 1953k  100 1953k    0     0   668k      0  0:00:02  0:00:02 --:--:--  668k\n',
      'curl-hash': `${'#'.repeat(72)} 100.0%\n`,
      'wget-bar': '/dev/null           100%[===================>]   2.86M  1.05MB/s    in 2.7s    \n',
      'git-clone': 'Receiving objects: 100% (302/302), 5.89 MiB | 58.55 MiB/s, done.\n',
    };
    for (const [name, line] of Object.entries(last)) {
      const text = readFileSync(`${dir}${name}.txt`, 'utf8');
      expect(drawnForTerminal(text), name).toBe(true);
      const screen = new TerminalRender(text).result();
      expect(screen, name).toContain(line);
      expect(screen.length, name).toBeLessThan(text.length);
    }
  });

  it('reads a row of 100,000 erase-and-return frames in one pass (each frame looked at the rest of the row: quadratic, minutes)', () => {
    expect(drawnForTerminal(`${`\r${esc}[K`.repeat(100_000)}done\n`)).toBe(true);
    expect(drawnForTerminal(`${`\r${esc}[K`.repeat(100_000)}done\r\rnotes\n`)).toBe(false);
  });

  it('paced, it gives the same verdicts, also for a long display whose last row is data', async () => {
    const spinner = `${'⠋ running suite\r\u001b[K\u001b[32mPASS\u001b[39m src/module.test.ts\n'.repeat(2_000)}`;
    const cases = [...Object.values(drawn), ...Object.values(data), spinner, `${spinner}notes.txt:line one\rline two\n`];
    for (const text of cases) expect(await drawnForTerminalPaced(text, new Pacer(0)), JSON.stringify(text.slice(-40))).toBe(drawnForTerminal(text));
    expect(drawnForTerminal(spinner)).toBe(true);
    expect(drawnForTerminal(`${spinner}notes.txt:line one\rline two\n`)).toBe(false);
  });

  it('recorded pty captures: all drawn for a terminal but pytest, which rewrites its "collecting ..." line once without a progress mark', () => {
    for (const capture of loadTerminalCaptures()) {
      expect(drawnForTerminal(capture.tty), capture.name).toBe(capture.name !== 'pytest');
      expect(drawnForTerminal(capture.piped), capture.name).toBe(true);
    }
  });
});

describe.each(['openai', 'anthropic'] as const)('tool output whose control characters are data arrives byte for byte (%s)', (protocol) => {
  const sent = async (output: string, command: string): Promise<string> => {
    clearTrimMemo();
    const body = (await trimRequestBody(requestWithOutput(output, protocol, command), protocol, { minSavedTokens: 0 })).body;
    const content = (body.messages as Array<{ content: unknown }>)[2]!.content;
    return typeof content === 'string' ? content : (content as Array<{ content: string }>)[0]!.content;
  };

  it.each(Object.entries(data))('%s', async (_name, text) => {
    expect(await sent(text, 'run it')).toBe(text);
  });

  it('a progress display is still rendered to its final screen', async () => {
    expect(await sent(drawn['tqdm into a pipe']!, 'python train.py')).toBe('train: 100%|██████████| 300/300 [00:01<00:00, 185.80it/s]\ndone\n');
    expect(await sent(drawn['git clone']!, 'git clone x')).toBe(`Cloning into 'repo'...\nReceiving objects: 100% (1000/1000), 2.50 MiB | 2.30 MiB/s, done.\nResolving deltas: 100% (300/300), done.\n`);
  });
});
