import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../gateway/harness.js';
import { auditGateway, sendThroughGateway } from './support.js';
import * as audit from './fixtures/audit-outputs.js';
import { bodyFor, instructionsOf, occurrences, outputsOf, read, referenceTo, shell, type Json, type Turn } from './audit-bodies.js';

/**
 * The second adversarial audit of L2.5, through a real gateway in the three caller protocols (OpenAI chat,
 * Anthropic messages, Responses items as Codex sends them: shell `function_call_output` and apply_patch
 * `custom_tool_call_output`), on families the first audit (adversarial-conversations.test.ts) did not
 * cover: blobs and minified code that differ in one character, very long lines, outputs the tool
 * truncated, outputs carrying instructions, the same file at two offsets, two files with the same bytes,
 * timestamps and ids, markdown tables, stack traces, instructions repeated with one word changed, images
 * and documents next to text. What the provider received is asserted: a text arrives byte for byte, or
 * as a reference that names the one earlier text it stands for.
 */

const png = (seed: number): string => audit.base64Blob(seed, 200, 0);

describe.each(['openai', 'anthropic', 'responses'] as const)('L2.5 audit 2, through the gateway (%s)', (protocol) => {
  const gateway = auditGateway(protocol);

  const send = (turns: Turn[], body = bodyFor(protocol, turns)): Promise<Json> => sendThroughGateway(gateway.harness, protocol, body);

  it('base64 blobs, minified JS and minified JSON that differ in one character, printed by the same command: every one arrives whole', async () => {
    const blob = audit.base64Blob(1, 6000);
    const pairs: Array<[string, string, string]> = [
      ['base64 assets/logo.png', blob, audit.changeOne(blob, 3100)],
      ['curl -s https://cdn.example.com/app.min.js', audit.minifiedJs, audit.changeOne(audit.minifiedJs, audit.minifiedJs.length - 40)],
      ['curl -s localhost:8080/config', audit.minifiedJson, audit.minifiedJson.replace('"allowDelete":false', '"allowDelete":true ')],
    ];
    const turns: Turn[] = [{ user: 'Did the build change the assets?' }, ...pairs.flatMap(([command, before, after]) => [shell(command, before), shell(command, after)])];
    expect(outputsOf(protocol, await send(turns))).toEqual(pairs.flatMap(([, before, after]) => [before, after]));
  });

  it('a base64 blob pasted, a version differing in one character late in it, then the first again: every copy arrives whole', async () => {
    const blob = audit.base64Blob(2, 3000);
    const changed = audit.changeOne(blob, 2500);
    const turns: Turn[] = [{ user: `Decode this:\n\n${blob}` }, { assistant: 'It is a PNG.' }, { user: `And this one?\n\n${changed}` }, { assistant: 'Also a PNG.' }, { user: `Which of the two is this?\n\n${blob}` }, { assistant: 'Checking.' }];
    const texts = instructionsOf(protocol, await send(turns));
    expect(occurrences(texts, blob)).toBe(2);
    expect(occurrences(texts, changed)).toBe(1);
    expect(texts.join('\n')).not.toContain('repeated verbatim');
  });

  it('a very long single line: a run that differs in its last characters arrives whole, an identical run becomes a reference', async () => {
    const other = audit.longLine.replace('status=ok', 'status=KO');
    const turns: Turn[] = [{ user: 'Tail the payload log.' }, shell('tail -n 1 /var/log/payload.log', audit.longLine), shell('tail -n 1 /var/log/payload.log', other), shell('tail -n 1 /var/log/payload.log', other)];
    const [first, second, third] = outputsOf(protocol, await send(turns));
    expect([first, second]).toEqual([audit.longLine, other]);
    expect(third).toMatch(referenceTo('shell', 2));
  });

  it('outputs the tool truncated ("... N more lines"): a different count or last line arrives whole', async () => {
    const runs = [audit.truncatedLog(200), audit.truncatedLog(201), audit.truncatedLog(201, 'worker 3 crashed')];
    const turns: Turn[] = [{ user: 'Watch the worker log.' }, ...runs.map((output) => shell('journalctl -u worker --no-pager | head -n 41', output))];
    expect(outputsOf(protocol, await send(turns))).toEqual(runs);
  });

  it('a fetched page that carries instructions, next to one that differs in one word: both arrive whole', async () => {
    const turns: Turn[] = [{ user: 'Read the deploy docs and deploy.' }, shell('curl -s https://wiki.example.com/deploy', audit.pageWithInstructions), shell('curl -s https://wiki.example.com/deploy', audit.pageWithInstructionsChanged)];
    expect(outputsOf(protocol, await send(turns))).toEqual([audit.pageWithInstructions, audit.pageWithInstructionsChanged]);
  });

  it('the same file at two offsets with the same bytes, and two files with the same content: each read arrives whole', async () => {
    const turns: Turn[] = [
      { user: 'Compare the blocks and the licences.' },
      read({ file_path: '/repo/gen/table.py', offset: 1, limit: 50 }, audit.repeatedChunk),
      read({ file_path: '/repo/gen/table.py', offset: 51, limit: 50 }, audit.repeatedChunk),
      read({ file_path: '/repo/LICENSE' }, audit.licenseText),
      read({ file_path: '/repo/vendor/lib/LICENSE' }, audit.licenseText),
    ];
    expect(outputsOf(protocol, await send(turns))).toEqual([audit.repeatedChunk, audit.repeatedChunk, audit.licenseText, audit.licenseText]);
  });

  it('outputs that differ only in a timestamp, a container id, an age or a request id are never "the same"', async () => {
    const runs: Array<[string, string[]]> = [
      ['date', [audit.dateOutput('02'), audit.dateOutput('03')]],
      ['docker ps', [audit.dockerPs('4b1d0c9e2f7a', '2 minutes'), audit.dockerPs('7c2e1f0a9b3d', '2 minutes'), audit.dockerPs('7c2e1f0a9b3d', '3 minutes')]],
      ['curl -si -X POST localhost:8080/v2/invoices', [audit.requestLog('req_01HZX5'), audit.requestLog('req_01HZX6')]],
    ];
    const turns: Turn[] = [{ user: 'Check the service.' }, ...runs.flatMap(([command, outputs]) => outputs.map((output) => shell(command, output)))];
    expect(outputsOf(protocol, await send(turns))).toEqual(runs.flatMap(([, outputs]) => outputs));
  });

  it('markdown tables and stack traces that differ in one cell or one frame: in tool output and pasted, every copy arrives whole', async () => {
    const turns: Turn[] = [
      { user: `Here are the numbers:\n\n${audit.benchTable}` },
      shell('node bench/report.js', audit.benchTableChanged),
      { user: `Now the trace from production:\n\n${audit.stackTrace}` },
      shell('node scripts/replay.js inv_0042', audit.stackTraceOtherFrame),
      { user: `Same numbers as before?\n\n${audit.benchTable}\n\nAnd the trace again:\n\n${audit.stackTrace}` },
    ];
    const sent = await send(turns);
    expect(outputsOf(protocol, sent)).toEqual([audit.benchTableChanged, audit.stackTraceOtherFrame]);
    const texts = instructionsOf(protocol, sent);
    expect(occurrences(texts, audit.benchTable)).toBe(2);
    expect(occurrences(texts, audit.stackTrace)).toBe(2);
  });

  it.each([
    ['always -> never', audit.projectRulesNever],
    ['a path', audit.projectRulesPath],
    ['a number', audit.projectRulesNumber],
    ['must -> must not', audit.projectRulesMustNot],
  ])('project rules (CLAUDE.md / AGENTS.md) injected again with one change (%s), then the first version again: a repeat is referenced only by a start whose whole words name one paragraph', async (_change, changed) => {
    const turns: Turn[] = [{ developer: audit.projectRules }, { user: 'Shrink the invoice module.' }, { assistant: 'Done.' }, { developer: changed }, { user: 'Now the tests.' }, { assistant: 'Running.' }, { developer: audit.projectRules }, { user: 'Wrap up.' }];
    const texts = instructionsOf(protocol, await send(turns));
    const paragraphs = (rules: string) => rules.split('\n\n');
    const original = paragraphs(audit.projectRules);
    const edited = paragraphs(changed);
    const differing = original.filter((paragraph, i) => paragraph !== edited[i]);
    expect(differing).toHaveLength(1);
    // The changed version arrives whole; every paragraph is there whole at least once.
    expect(occurrences(texts, edited[original.indexOf(differing[0]!)]!)).toBe(1);
    const all = texts.join('\n');
    for (const paragraph of original) expect(all).toContain(paragraph);
    // A reference's quote, without the word it may cut, names one paragraph: the one it stands for.
    for (const reference of all.match(/\[paragraph repeated verbatim from an earlier message: "[^"]*…"\]/gu) ?? []) {
      const wholeWords = /"(.*)…"\]$/su.exec(reference)![1]!.replace(/\s\S*$/u, '');
      const candidates = [...original, ...edited].filter((paragraph) => paragraph.startsWith(wholeWords));
      expect(new Set(candidates).size, reference).toBe(1);
    }
    // "always" and "never" start at the quote's last word: the original is sent whole again.
    if (changed === audit.projectRulesNever) expect(occurrences(texts, differing[0]!)).toBe(2);
  });

  it('apply_patch between two runs of the same command: outputs of both tools arrive, the patch outputs untouched, an identical rerun as a reference', async () => {
    const patch = '*** Begin Patch\n*** Update File: src/billing/invoice.js\n@@\n-  return order.total;\n+  return order?.total ?? 0;\n*** End Patch\n';
    const done = 'Success. Updated the following files:\nM src/billing/invoice.js\n';
    const turns: Turn[] = [
      { user: 'Fix the crash.' },
      shell('node scripts/replay.js inv_0042', audit.stackTrace),
      { patch: { input: patch, output: done } },
      shell('node scripts/replay.js inv_0042', 'invoice inv_0042 total 1299\n'),
      { patch: { input: patch, output: done } },
      shell('node scripts/replay.js inv_0042', 'invoice inv_0042 total 1299\n'.repeat(8)),
      shell('node scripts/replay.js inv_0042', 'invoice inv_0042 total 1299\n'.repeat(8)),
    ];
    const outputs = outputsOf(protocol, await send(turns));
    expect(outputs.slice(0, 5)).toEqual([audit.stackTrace, done, 'invoice inv_0042 total 1299\n', done, 'invoice inv_0042 total 1299\n'.repeat(8)]);
    expect(outputs[5]).toMatch(referenceTo('shell', 5));
  });

  it('control characters that are data (a CRLF file cut by awk, a variable ending in \\r, NUL separators, overstrike) arrive byte for byte; a progress bar is still drawn to its final screen', async () => {
    const data = ['Result: value\r done\n', 'c3\r,c1\nf3\r,f1\n', ' M src/a.ts\u0000?? new file.txt\u0000', 'N\bNA\bAM\bME\bE\n', 'first\r\r\nsecond\r\r\n'];
    const bar = '\r  0%|          | 0/3 [00:00<?, ?it/s]\r 33%|███▎      | 1/3 [00:00<00:01,  1.90it/s]\r100%|██████████| 3/3 [00:01<00:00,  2.00it/s]\ndone\n';
    const commands = ['bash -c \'source .env; echo "Result: $V done"\'', "awk -F, '{print $3\",\"$1}' data.csv", 'git status -z', 'man ls | head -1', 'python -c "print(open(\'f\', newline=\'\').read(), end=\'\')"'];
    const turns: Turn[] = [{ user: 'Why is the output garbled?' }, ...data.map((output, i) => shell(commands[i]!, output)), shell('python train.py', bar)];
    const outputs = outputsOf(protocol, await send(turns));
    expect(outputs.slice(0, data.length)).toEqual(data);
    expect(outputs.at(-1)).toBe('100%|██████████| 3/3 [00:01<00:00,  2.00it/s]\ndone\n');
  });

  it('colour as the only signal (ls in a pty marks directories and executables by colour alone): every name keeps its colour', async () => {
    const esc = '\u001b';
    const ls = `${esc}[0m${esc}[01;34mmigrations${esc}[0m  ${esc}[01;32mrun.sh${esc}[0m  ${esc}[01;34msrc${esc}[0m  setup.cfg  ${esc}[01;36mcurrent${esc}[0m\n`.repeat(3);
    const outputs = outputsOf(protocol, await send([{ user: 'Which of these are directories?' }, shell('ls', ls)]));
    for (const name of [`${esc}[01;32mrun.sh${esc}[0m`, `${esc}[01;34msrc${esc}[0m`, `${esc}[01;36mcurrent${esc}[0m`]) expect(outputs[0]).toContain(name);
    expect(outputs[0]).toContain('migrations');
  });

  it('a screenshot next to the same text: results whose images differ are never replaced, even with identical text', async () => {
    const text = 'Screenshot of http://localhost:3000/invoices saved to /tmp/shot.png (1280x800).\n'.repeat(4);
    const turns: Turn[] = [{ user: 'Check the page before and after the fix.' }, { tool: { name: 'screenshot', args: { url: 'http://localhost:3000/invoices' }, output: text, image: png(1) } }, { tool: { name: 'screenshot', args: { url: 'http://localhost:3000/invoices' }, output: text, image: png(2) } }];
    const sent = await send(turns);
    // Chat tool messages carry text only: there the screenshot is a user message of its own, and the
    // tool's text, printed the same twice, may refer to the previous run.
    if (protocol === 'openai') expect(outputsOf(protocol, sent)[1]).toMatch(referenceTo('screenshot', 1));
    else expect(outputsOf(protocol, sent)).toEqual([text, text]);
    expect(JSON.stringify(sent)).toContain(png(1));
    expect(JSON.stringify(sent)).toContain(png(2));
  });
});

describe('L2.5 audit 2: documents are places a reference could point at (Anthropic)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'anthropic', exactCache: { enabled: false }, trimming: { minSavedTokensPerMessage: 0 } });
  });
  afterAll(async () => {
    await harness.close();
  });

  const document = (text: string): Json => ({ type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, title: 'retention.txt' });

  it.each([
    ['attached to a user turn', (doc: Json): Json => ({ role: 'user', content: [doc, { type: 'text', text: 'Here is the current policy.' }] })],
    ['returned by a tool', (doc: Json): Json => ({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'Fetched.' }, doc] }] })],
  ])('a paragraph repeated after a document %s whose paragraph starts the same way with other content: sent again whole', async (_where, carrying) => {
    const body = {
      model: 'fake-model',
      max_tokens: 256,
      messages: [
        { role: 'user', content: [{ type: 'text', text: `Remember this rule:\n\n${audit.retentionRule}` }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }, { type: 'tool_use', id: 'toolu_1', name: 'fetch', input: { url: 'https://wiki.example.com/retention.txt' } }] },
        carrying(document(audit.retentionDocument)),
        { role: 'assistant', content: [{ type: 'text', text: 'The policy changed.' }] },
        { role: 'user', content: [{ type: 'text', text: `Apply the rule I gave you:\n\n${audit.retentionRule}` }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Applying.' }] },
        { role: 'user', content: 'Go.' },
      ],
    };
    const response = await harness.messages(body);
    expect(response.status).toBe(200);
    await response.text();
    const sent = harness.fake.requests.at(-1)!.body as { messages: Json[] };
    expect(JSON.stringify(sent.messages).split(JSON.stringify(audit.retentionRule).slice(1, -1)).length - 1).toBe(2);
  });
});
