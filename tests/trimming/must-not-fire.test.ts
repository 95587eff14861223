import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../gateway/harness.js';
import { anthropicConversation, exec, openAIConversation, type Turn } from './agent-conversation.js';
import { loadTerminalCaptures } from './fixtures/terminal-captures.js';
import * as look from './fixtures/lookalike-outputs.js';

/**
 * L2.5 through the real gateway, in front of the fake upstream: realistic conversations whose lines look
 * alike (or look like noise) but are information. What the provider receives must hold every one of them
 * byte for byte, in both protocols, at the gateway's defaults and with the per-message minimum at 0.
 * Next to them, the cases where L2.5 does act (a redrawn screen, decoration colour, a verbatim repeat).
 */

interface Case {
  name: string;
  turns: Turn[];
  /** Texts the provider must receive byte for byte, as often as listed. */
  keep: string[];
}

const cases: Case[] = [
  { name: 'nvidia-smi: per-GPU lines that differ in one number, the idle GPU included', turns: [{ user: 'Which GPU is idle?' }, exec('nvidia-smi', look.nvidiaSmi)], keep: [look.nvidiaSmi] },
  { name: 'a latency histogram and per-class percentages', turns: [{ user: 'Summarise the benchmark.' }, exec('python bench.py', look.latencyHistogram)], keep: [look.latencyHistogram] },
  { name: 'CSV with duplicate rows (the bug the user asks about)', turns: [{ user: 'Why are orders duplicated?' }, exec('python export.py --format csv', look.csvWithDuplicates)], keep: [look.csvWithDuplicates] },
  {
    name: 'YAML CI steps repeated on purpose, shown by an editor tool not named like read',
    turns: [{ user: 'Look at the CI config.' }, { tool: { name: 'str_replace_based_edit_tool', args: { command: 'view', path: '.github/workflows/ci.yml' }, output: look.ciYaml } }],
    keep: [look.ciYaml],
  },
  { name: 'pretty-printed JSON with identical objects', turns: [{ user: 'Are all nodes ready?' }, exec('kubectl get nodes -o json | jq .', look.prettyJson)], keep: [look.prettyJson] },
  {
    name: 'a markdown table with repeated rows, in a tool result and in an assistant message',
    turns: [{ user: 'Show the pipeline.' }, exec('cat report.md', look.markdownTable), { assistant: `Here is the table again:\n\n${look.markdownTable}` }],
    keep: [look.markdownTable, `Here is the table again:\n\n${look.markdownTable}`],
  },
  { name: 'a git diff with blank context lines and identical added lines', turns: [{ user: 'Review my change.' }, exec('git diff', look.gitDiff)], keep: [look.gitDiff] },
  {
    name: 'a Makefile with a trailing space after a backslash, through cat and through sed',
    turns: [{ user: 'Why does make say "missing separator"?' }, exec('cat Makefile', look.makefile), { tool: { name: 'bash', args: { cmd: 'sed -n 1,6p Makefile' }, output: `${look.makefile}# end\n` } }],
    keep: [look.makefile, `${look.makefile}# end\n`],
  },
  { name: 'a Python file via cat with PEP 8 double blank lines', turns: [{ user: 'Check the style of config.py.' }, exec('cat src/config.py', look.pythonFile)], keep: [look.pythonFile] },
  {
    name: 'a numbered runbook whose step 3 repeats step 1, sent twice (English)',
    turns: [{ user: look.runbookEnglish }, { assistant: 'Understood, starting with step 1.' }, { user: look.runbookEnglish }],
    keep: [look.runbookEnglish, look.runbookEnglish],
  },
  {
    name: 'a numbered runbook whose step 3 repeats step 1, sent twice (German)',
    turns: [{ user: look.runbookGerman }, { assistant: 'Verstanden, ich beginne mit Schritt 1.' }, { user: look.runbookGerman }],
    keep: [look.runbookGerman, look.runbookGerman],
  },
  {
    name: 'runbook paragraphs with file names, versions and URLs that differ in one name',
    turns: [
      { user: 'Before the release, run ./migrate.sh against staging, keep the output in snapshot.json, and compare it with v2.3.1 (see https://wiki.example.com/a.b). Do not restore anything yet.' },
      { assistant: 'OK.' },
      { user: 'Before the release, run ./migrate.sh against staging, keep the output in snapshot2.json, and compare it with v2.3.1 (see https://wiki.example.com/a.b). Do not restore anything yet.' },
    ],
    keep: [
      'Before the release, run ./migrate.sh against staging, keep the output in snapshot.json, and compare it with v2.3.1 (see https://wiki.example.com/a.b). Do not restore anything yet.',
      'Before the release, run ./migrate.sh against staging, keep the output in snapshot2.json, and compare it with v2.3.1 (see https://wiki.example.com/a.b). Do not restore anything yet.',
    ],
  },
  {
    name: 'colour as the only signal: a status before and after a restart (green, then red)',
    turns: [{ user: 'Restart the API and check it.' }, exec('systemctl status api', look.statusGreen), exec('sudo systemctl restart api && systemctl status api', look.statusRed)],
    keep: [look.statusGreen, look.statusRed],
  },
  { name: 'a question about colour: colour stays', turns: [{ user: 'Is ERROR printed bold red in the worker log?' }, exec('./worker --once', look.colouredLog)], keep: [look.colouredLog] },
  { name: 'a word diff in colour, asked for by the command', turns: [{ user: 'What changed in the README?' }, exec('git diff --word-diff=color README.md', look.wordDiff)], keep: [look.wordDiff] },
  {
    name: 'code fences in an earlier user message, sent again verbatim',
    turns: [{ user: look.userCodeFence }, { assistant: 'Because the loop runs three times.' }, { user: look.userCodeFence }],
    keep: [look.userCodeFence, look.userCodeFence],
  },
];

const question = 'What do you conclude?';

const openAIBody = (turns: Turn[]): Record<string, unknown> => openAIConversation(turns, { question });
const anthropicBody = (turns: Turn[]): Record<string, unknown> => anthropicConversation(turns, { question });

/** Every string in a JSON value. */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const item of node) strings(item, out);
  else if (typeof node === 'object' && node !== null) for (const value of Object.values(node)) strings(value, out);
  return out;
}

const count = (items: string[], text: string): number => items.filter((item) => item === text).length;

describe.each([
  ['openai', 'defaults', undefined],
  ['openai', 'minimum 0', 0],
  ['anthropic', 'defaults', undefined],
  ['anthropic', 'minimum 0', 0],
] as const)('L2.5 through the gateway (%s, %s)', (protocol, _label, minimum) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      provider: protocol === 'openai' ? 'openai-compatible' : 'anthropic',
      exactCache: { enabled: false },
      trimming: minimum === undefined ? true : { minSavedTokensPerMessage: minimum },
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  const send = async (body: Record<string, unknown>): Promise<{ sent: Record<string, unknown>; response: Response }> => {
    const response = protocol === 'openai' ? await harness.chat(body) : await harness.messages(body);
    expect(response.status).toBe(200);
    await response.text();
    return { sent: harness.fake.requests.at(-1)!.body as Record<string, unknown>, response };
  };

  it.each(cases)('must not fire: $name', async ({ turns, keep }) => {
    const body = protocol === 'openai' ? openAIBody(turns) : anthropicBody(turns);
    const { sent, response } = await send(body);
    const received = strings(sent.messages);
    for (const text of new Set(keep)) expect(count(received, text), text.slice(0, 60)).toBe(keep.filter((k) => k === text).length);
    expect(sent.messages).toEqual(body.messages);
    expect(response.headers.get('x-isartor-trimmed-tokens')).toBe('0');
  });

  it('acts on a redrawn screen: the erased "Tests: 3 failed" never reaches the provider, the final line does', async () => {
    const esc = '\u001b';
    const frames = Array.from({ length: 60 }, (_, i) => `${'⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'[i % 10]} Running tests… ${i}/60\r`).join('');
    const output = `${frames}${esc}[KTests: 3 failed\r${esc}[K${esc}[1A\n${esc}[2KTests: 12 passed, 12 total\nTime: 4.2 s\n`;
    const { sent } = await send(protocol === 'openai' ? openAIBody([exec('npx jest', output)]) : anthropicBody([exec('npx jest', output)]));
    const all = strings(sent.messages).join('\n');
    expect(all).not.toContain('Tests: 3 failed');
    expect(all).not.toContain('Running tests');
    expect(all).toContain('Tests: 12 passed, 12 total\nTime: 4.2 s\n');
  });

  it('acts on progress redraws and colour written in more escape bytes than needed (real pytest and npm ci captures), keeping every visible line and its colour', async () => {
    const captures = new Map(loadTerminalCaptures().map((capture) => [capture.name, capture]));
    for (const name of ['pytest', 'npm-ci']) {
      const output = captures.get(name)!.tty;
      const { sent } = await send(protocol === 'openai' ? openAIBody([exec(name, output)]) : anthropicBody([exec(name, output)]));
      const all = strings(sent.messages).join('\n');
      expect(all).not.toContain(output);
      if (name === 'pytest') {
        // One green run of 40 dots, then the red F and the yellow s, as the terminal showed them.
        expect(all).toContain(`test_sample.py \u001b[32m${'.'.repeat(40)}\u001b[0;31mF\u001b[0;33ms\u001b[0;31m${' '.repeat(36)}[100%]\u001b[0m\r\n`);
        expect(all).toContain('\u001b[31m\u001b[1m1 failed\u001b[0m, \u001b[32m40 passed\u001b[0m, \u001b[33m1 skipped\u001b[0;31m in 1.58s');
      } else expect(all).toContain('\r\nadded 179 packages in 10s\r\n');
    }
  });

  it('acts on a verbatim repeat: the second identical result of the same call becomes a reference to the previous run', async () => {
    const body = protocol === 'openai' ? openAIBody([exec('nvidia-smi', look.nvidiaSmi), exec('nvidia-smi', look.nvidiaSmi)]) : anthropicBody([exec('nvidia-smi', look.nvidiaSmi), exec('nvidia-smi', look.nvidiaSmi)]);
    const { sent } = await send(body);
    const received = strings(sent.messages);
    expect(count(received, look.nvidiaSmi)).toBe(1);
    expect(received.some((text) => /^\[tool call \S+ printed exactly the same output as the previous exec call with the same arguments above \(tool call \S+\)\]$/u.test(text))).toBe(true);
  });
});
