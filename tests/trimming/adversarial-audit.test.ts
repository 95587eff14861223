import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../gateway/harness.js';
import { expectGuards } from './support.js';
import * as audit from './fixtures/audit-outputs.js';

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

type Protocol = 'openai' | 'anthropic' | 'responses';
type Json = Record<string, unknown>;

type Turn =
  | { user: string }
  | { assistant: string }
  /** Instructions the client injects: a developer message (chat, Responses), a user turn (Anthropic, as Claude Code does). */
  | { developer: string }
  | { tool: { name: string; args: Json; output: string; image?: string } }
  /** Codex's apply_patch: a custom tool call (Responses); a function tool elsewhere. */
  | { patch: { input: string; output: string } };

const shell = (command: string, output: string): Turn => ({ tool: { name: 'shell', args: { command: ['bash', '-lc', command], workdir: '/repo', timeout_ms: 10000 }, output } });
const read = (args: Json, output: string): Turn => ({ tool: { name: 'Read', args, output } });
const question = 'What do you conclude?';
const png = (seed: number): string => audit.base64Blob(seed, 200, 0);

function openAIBody(turns: Turn[]): Json {
  const messages: Json[] = [{ role: 'system', content: 'You are a coding agent.' }];
  turns.forEach((turn, i) => {
    if ('user' in turn) messages.push({ role: 'user', content: turn.user });
    else if ('assistant' in turn) messages.push({ role: 'assistant', content: turn.assistant });
    else if ('developer' in turn) messages.push({ role: 'developer', content: turn.developer });
    else {
      const [name, args, output] = 'tool' in turn ? [turn.tool.name, turn.tool.args, turn.tool.output] : ['apply_patch', { input: turn.patch.input }, turn.patch.output];
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }] });
      messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: output });
      // Chat tool messages hold text only: a screenshot the tool took comes as a user message.
      if ('tool' in turn && turn.tool.image) messages.push({ role: 'user', content: [{ type: 'text', text: 'Screenshot:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${turn.tool.image}` } }] });
    }
  });
  messages.push({ role: 'user', content: question });
  return { model: 'fake-model', messages };
}

function anthropicBody(turns: Turn[]): Json {
  const messages: Array<{ role: string; content: Json[] }> = [];
  const add = (role: string, block: Json): void => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  turns.forEach((turn, i) => {
    if ('user' in turn) add('user', { type: 'text', text: turn.user });
    else if ('assistant' in turn) add('assistant', { type: 'text', text: turn.assistant });
    else if ('developer' in turn) add('user', { type: 'text', text: `<system-reminder>\n${turn.developer}\n</system-reminder>` });
    else {
      const [name, input, output] = 'tool' in turn ? [turn.tool.name, turn.tool.args, turn.tool.output] : ['apply_patch', { input: turn.patch.input }, turn.patch.output];
      add('assistant', { type: 'tool_use', id: `toolu_${i}`, name, input });
      const image = 'tool' in turn && turn.tool.image ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: turn.tool.image } }] : [];
      add('user', { type: 'tool_result', tool_use_id: `toolu_${i}`, content: image.length > 0 ? [{ type: 'text', text: output }, ...image] : output });
    }
  });
  if (messages.at(-1)?.role === 'user') messages.push({ role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] });
  messages.push({ role: 'user', content: [{ type: 'text', text: question, cache_control: { type: 'ephemeral' } }] });
  return { model: 'fake-model', max_tokens: 256, system: [{ type: 'text', text: 'You are a coding agent.', cache_control: { type: 'ephemeral' } }], messages };
}

/** What Codex sends: a developer message, reasoning items, shell function calls, apply_patch custom calls. */
function responsesBody(turns: Turn[]): Json {
  const text = (role: string, value: string): Json => ({ type: 'message', role, content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text: value }] });
  const input: Json[] = [text('developer', 'You are a coding agent.')];
  turns.forEach((turn, i) => {
    if ('user' in turn) input.push(text('user', turn.user));
    else if ('assistant' in turn) input.push(text('assistant', turn.assistant));
    else if ('developer' in turn) input.push(text('developer', turn.developer));
    else {
      input.push({ type: 'reasoning', id: `rs_${i}`, summary: [], encrypted_content: `gAAAA${i}` });
      if ('patch' in turn) {
        input.push({ type: 'custom_tool_call', id: `ctc_${i}`, call_id: `call_${i}`, name: 'apply_patch', input: turn.patch.input });
        input.push({ type: 'custom_tool_call_output', call_id: `call_${i}`, output: turn.patch.output });
      } else {
        input.push({ type: 'function_call', id: `fc_${i}`, call_id: `call_${i}`, name: turn.tool.name, arguments: JSON.stringify(turn.tool.args) });
        const output = turn.tool.image ? [{ type: 'input_text', text: turn.tool.output }, { type: 'input_image', image_url: `data:image/png;base64,${turn.tool.image}` }] : turn.tool.output;
        input.push({ type: 'function_call_output', call_id: `call_${i}`, output });
      }
    }
  });
  input.push(text('user', question));
  return { model: 'fake-model', input, store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'session-1' };
}

const bodyFor = (protocol: Protocol, turns: Turn[]): Json => (protocol === 'openai' ? openAIBody(turns) : protocol === 'anthropic' ? anthropicBody(turns) : responsesBody(turns));

const textOf = (content: unknown): string => (typeof content === 'string' ? content : Array.isArray(content) ? (content as Json[]).map((part) => (typeof part.text === 'string' ? part.text : '')).join('') : '');

/** The tool outputs the provider received, in order (apply_patch's included). */
function outputsOf(protocol: Protocol, sent: Json): string[] {
  if (protocol === 'responses') return (sent.input as Json[]).filter((item) => item.type === 'function_call_output' || item.type === 'custom_tool_call_output').map((item) => textOf(item.output));
  if (protocol === 'openai') return (sent.messages as Json[]).filter((message) => message.role === 'tool').map((message) => textOf(message.content));
  return (sent.messages as Json[])
    .flatMap((message) => (Array.isArray(message.content) ? (message.content as Json[]) : []))
    .filter((block) => block.type === 'tool_result')
    .map((block) => textOf(block.content));
}

/** Every instruction text (system, developer, user, assistant) the provider received, in order. */
function instructionsOf(protocol: Protocol, sent: Json): string[] {
  if (protocol === 'responses') return (sent.input as Json[]).filter((item) => item.type === 'message').map((item) => textOf(item.content));
  const texts = protocol === 'anthropic' ? [textOf(sent.system)] : [];
  for (const message of sent.messages as Json[]) {
    if (message.role === 'tool') continue;
    if (typeof message.content === 'string') texts.push(message.content);
    else for (const block of (message.content as Json[] | null) ?? []) if (block.type === 'text') texts.push(block.text as string);
  }
  return texts;
}

const occurrences = (haystack: string[], needle: string): number => haystack.reduce((sum, text) => sum + text.split(needle).length - 1, 0);
const referenceTo = (name: string, previous: number) => new RegExp(`^\\[tool call \\S+ printed exactly the same output as the previous ${name} call with the same arguments above \\(tool call \\S*_${previous}\\)\\]$`, 'u');

describe.each(['openai', 'anthropic', 'responses'] as const)('L2.5 audit 2, through the gateway (%s)', (protocol) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      provider: protocol === 'anthropic' ? 'anthropic' : 'openai-compatible',
      exactCache: { enabled: false },
      trimming: { minSavedTokensPerMessage: 0 },
      ...(protocol === 'responses' ? { config: { providers: { 'openai-compatible': { responsesApi: true } } } } : {}),
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  const send = async (turns: Turn[], body = bodyFor(protocol, turns)): Promise<Json> => {
    const response =
      protocol === 'openai'
        ? await harness.chat(body)
        : protocol === 'anthropic'
          ? await harness.messages(body)
          : await fetch(`${harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    await response.text();
    const sent = harness.fake.requests.at(-1)!.body as Json;
    if (protocol !== 'responses') expectGuards(body, sent, protocol);
    else {
      // Only function_call_output items may change, and only their output.
      const input = body.input as Json[];
      const received = sent.input as Json[];
      expect(received).toHaveLength(input.length);
      received.forEach((item, i) => {
        if (item.type === 'function_call_output') expect({ ...item, output: undefined }).toEqual({ ...input[i], output: undefined });
        else expect(item).toEqual(input[i]);
      });
    }
    return sent;
  };

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
