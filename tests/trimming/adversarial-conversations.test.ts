import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../gateway/harness.js';
import { anthropicConversation, exec, openAIConversation, tool, type Turn } from './agent-conversation.js';
import { auditGateway, sendThroughGateway } from './support.js';
import * as adv from './fixtures/adversarial-outputs.js';

/**
 * L2.5 attacked through the real gateway in the three caller protocols (OpenAI chat, Anthropic messages,
 * Responses items as Codex sends them, passed to a Responses upstream), with what the provider received
 * asserted. Each conversation is one an agent really has: the same file read before and after an edit,
 * the same command twice, two versions of a function pasted in turn, a diff of a file that holds a `\r`.
 * The rule under attack: a reference replaces a text only when the model can find, without call ids,
 * the one earlier text it stands for; everything else arrives byte for byte.
 */

type Protocol = 'openai' | 'anthropic' | 'responses';
type Json = Record<string, unknown>;

const question = 'What changed between the runs, and what do you conclude?';
const system = 'You are a coding agent.';
const openAIBody = (turns: Turn[]): Json => openAIConversation(turns, { question, system });
/** Claude Code's shape: results as blocks of a user message, cache_control on the newest block. */
const anthropicBody = (turns: Turn[]): Json => anthropicConversation(turns, { question, system, claudeCode: true });

/** What Codex sends: a developer message, reasoning items, function calls and their outputs. */
function responsesBody(turns: Turn[]): Json {
  const input: Json[] = [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] }];
  turns.forEach((turn, i) => {
    if ('user' in turn) input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.user }] });
    else if ('assistant' in turn) input.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: turn.assistant }] });
    else {
      input.push({ type: 'reasoning', id: `rs_${i}`, summary: [], encrypted_content: `gAAAA${i}` });
      input.push({ type: 'function_call', id: `fc_${i}`, call_id: `call_${i}`, name: turn.tool.name, arguments: JSON.stringify(turn.tool.args) });
      input.push({ type: 'function_call_output', call_id: `call_${i}`, output: turn.tool.output });
    }
  });
  input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] });
  return { model: 'fake-model', input, store: false, include: ['reasoning.encrypted_content'], prompt_cache_key: 'session-1' };
}

const bodyFor = (protocol: Protocol, turns: Turn[]): Json => (protocol === 'openai' ? openAIBody(turns) : protocol === 'anthropic' ? anthropicBody(turns) : responsesBody(turns));

/** The tool outputs the provider received, in order. */
function outputsOf(protocol: Protocol, sent: Json): string[] {
  if (protocol === 'responses') return (sent.input as Json[]).filter((item) => item.type === 'function_call_output').map((item) => item.output as string);
  if (protocol === 'openai') return (sent.messages as Json[]).filter((message) => message.role === 'tool').map((message) => message.content as string);
  return (sent.messages as Array<{ content: unknown }>)
    .flatMap((message) => (Array.isArray(message.content) ? (message.content as Json[]) : []))
    .filter((block) => block.type === 'tool_result')
    .map((block) => (typeof block.content === 'string' ? block.content : (block.content as Json[]).map((part) => part.text).join('')));
}

/** Every string in a JSON value. */
function strings(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string') out.push(node);
  else if (Array.isArray(node)) for (const item of node) strings(item, out);
  else if (typeof node === 'object' && node !== null) for (const value of Object.values(node)) strings(value, out);
  return out;
}

const referenceTo = (previous: string, name: string) => new RegExp(`^\\[tool call \\S+ printed exactly the same output as the previous ${name} call with the same arguments above \\(tool call \\S*${previous}\\)\\]$`, 'u');

describe.each(['openai', 'anthropic', 'responses'] as const)('L2.5 under attack, through the gateway (%s)', (protocol) => {
  const gateway = auditGateway(protocol);

  const send = async (turns: Turn[]): Promise<{ body: Json; sent: Json }> => {
    const body = bodyFor(protocol, turns);
    return { body, sent: await sendThroughGateway(gateway.harness, protocol, body) };
  };

  it('a file read, edited, read, reverted and read again: every read arrives as it was (the third equals the first, not the read before it)', async () => {
    const read = (output: string): Turn => tool('read', { path: 'src/pool.py' }, output);
    const turns: Turn[] = [{ user: 'Try the smaller pool, then put it back.' }, read(adv.poolFile), tool('edit', { path: 'src/pool.py', old: 'size = 10', new: 'size = 4' }, 'Edited src/pool.py.'), read(adv.poolFileEdited), tool('edit', { path: 'src/pool.py', old: 'size = 4', new: 'size = 10' }, 'Edited src/pool.py.'), read(adv.poolFile)];
    const { sent } = await send(turns);
    const reads = outputsOf(protocol, sent).filter((output) => output.startsWith('import'));
    expect(reads).toEqual([adv.poolFile, adv.poolFileEdited, adv.poolFile]);
  });

  it('two different commands that print the same text: both arrive (no call ran again)', async () => {
    const { sent } = await send([{ user: 'Are the staged and unstaged changes the same?' }, exec('git diff --stat', adv.diffStat), exec('git diff --cached --stat', adv.diffStat)]);
    expect(outputsOf(protocol, sent)).toEqual([adv.diffStat, adv.diffStat]);
  });

  it('the same command twice with the same output: the second refers to the previous run, by tool name and arguments', async () => {
    const { sent } = await send([{ user: 'Run the tests twice, I suspect flakiness.' }, exec('pytest -q', adv.pytestRun), exec('pytest -q', adv.pytestRun)]);
    const [first, second] = outputsOf(protocol, sent);
    expect(first).toBe(adv.pytestRun);
    expect(second).toMatch(referenceTo(protocol === 'anthropic' ? 'toolu_1' : 'call_1', 'exec'));
  });

  it('the same command three times, the middle run different: the third arrives whole, since its previous run differs', async () => {
    const { sent } = await send([{ user: 'Run the tests until they are stable.' }, exec('pytest -q', adv.pytestRun), exec('pytest -q', adv.pytestRunOneFailed), exec('pytest -q', adv.pytestRun)]);
    expect(outputsOf(protocol, sent)).toEqual([adv.pytestRun, adv.pytestRunOneFailed, adv.pytestRun]);
  });

  it('near-identical runs that differ in one number, one path or one line of JSON, CSV or logs all arrive whole', async () => {
    const pairs = [adv.pytestRun, adv.pytestRunOneFailed, adv.gitStatusClean, adv.gitStatusModified, adv.jsonBefore, adv.jsonAfter, adv.csvBefore, adv.csvAfter];
    const turns: Turn[] = [{ user: 'Compare.' }, ...pairs.map((output, i) => exec(['pytest -q', 'git status', 'curl -s localhost:8080/health', 'python export.py'][i >> 1]!, output))];
    const { sent } = await send(turns);
    expect(outputsOf(protocol, sent)).toEqual(pairs);
  });

  it('two identical calls made in parallel, their results answered in the other order: both arrive whole', async () => {
    // "The previous call" of the result that comes second would be the call made after it.
    const args = JSON.stringify({ command: 'pytest -q' });
    let body: Json;
    if (protocol === 'openai') {
      body = {
        model: 'fake-model',
        messages: [
          { role: 'user', content: 'Run the tests twice at once.' },
          { role: 'assistant', content: null, tool_calls: ['call_a', 'call_b'].map((id) => ({ id, type: 'function', function: { name: 'exec', arguments: args } })) },
          { role: 'tool', tool_call_id: 'call_b', content: adv.pytestRun },
          { role: 'tool', tool_call_id: 'call_a', content: adv.pytestRun },
          { role: 'user', content: question },
        ],
      };
    } else if (protocol === 'anthropic') {
      body = {
        model: 'fake-model',
        max_tokens: 256,
        messages: [
          { role: 'user', content: 'Run the tests twice at once.' },
          { role: 'assistant', content: ['toolu_a', 'toolu_b'].map((id) => ({ type: 'tool_use', id, name: 'exec', input: { command: 'pytest -q' } })) },
          { role: 'user', content: ['toolu_b', 'toolu_a'].map((id) => ({ type: 'tool_result', tool_use_id: id, content: adv.pytestRun })) },
          { role: 'assistant', content: 'Both ran.' },
          { role: 'user', content: question },
        ],
      };
    } else {
      body = {
        model: 'fake-model',
        input: [
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Run the tests twice at once.' }] },
          ...['call_a', 'call_b'].map((id) => ({ type: 'function_call', call_id: id, name: 'exec', arguments: args })),
          ...['call_b', 'call_a'].map((id) => ({ type: 'function_call_output', call_id: id, output: adv.pytestRun })),
        ],
      };
    }
    const response = protocol === 'openai' ? await gateway.harness.chat(body) : protocol === 'anthropic' ? await gateway.harness.messages(body) : await fetch(`${gateway.harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(200);
    await response.text();
    expect(outputsOf(protocol, gateway.harness.fake.requests.at(-1)!.body as Json)).toEqual([adv.pytestRun, adv.pytestRun]);
  });

  it('the next turn sends every earlier message byte for byte as the turn before did (the provider prompt cache keeps hitting)', async () => {
    const turns: Turn[] = [{ user: adv.instruction }, { assistant: 'Understood.' }, exec('pytest -q', adv.pytestRun), exec('pytest -q', adv.pytestRun), { user: `Reminder:\n\n${adv.instruction}` }, exec('git status', adv.gitStatusClean)];
    const first = (await send(turns)).sent;
    const second = (await send([...turns, { assistant: 'The tree is clean.' }, exec('git status', adv.gitStatusClean), exec('pytest -q', adv.pytestRun)])).sent;
    const items = (body: Json): unknown[] => (protocol === 'responses' ? (body.input as unknown[]) : (body.messages as unknown[]));
    // All but the question that ended the first turn (the last user message is sent as it is while it is
    // last), and for Anthropic the assistant's "Noted." before it, which the next turn does not have.
    const before = items(first).slice(0, protocol === 'anthropic' ? -2 : -1);
    expect(before.length).toBeGreaterThan(5);
    expect(JSON.stringify(items(second).slice(0, before.length))).toBe(JSON.stringify(before));
    if (protocol === 'anthropic') expect(JSON.stringify(second.system)).toBe(JSON.stringify(first.system));
  });

  it('a diff or a file at a revision holding a carriage return or an escape byte arrives byte for byte (the + and - markers stay)', async () => {
    const outputs = [adv.diffWithCarriageReturn, adv.colouredDiffWithEscapes, adv.progressFixture, adv.normalDiffWithCarriageReturn];
    const { sent } = await send([
      { user: 'Review the fixture change.' },
      exec('git diff tests/fixtures/progress.txt', outputs[0]!),
      exec('git show HEAD -- tests/fixtures/progress.txt', outputs[1]!),
      exec('git show HEAD~1:tests/fixtures/progress.txt', outputs[2]!),
      exec('diff old/progress.txt tests/fixtures/progress.txt', outputs[3]!),
    ]);
    expect(outputsOf(protocol, sent)).toEqual(outputs);
  });

  it('a message too large to analyse still counts as the latest run of its call', async () => {
    const read = (output: string): Turn => tool('read', { path: 'data/big.json' }, output);
    const { sent } = await send([{ user: 'Watch the file.' }, read(adv.smallJson), read(adv.hugeJson), read(adv.smallJson)]);
    expect(outputsOf(protocol, sent)).toEqual([adv.smallJson, adv.hugeJson, adv.smallJson]);
  });

  it('unicode, emoji, RTL and combining characters in outputs and repeated paragraphs arrive well-formed', async () => {
    const turns: Turn[] = [{ user: adv.emojiParagraph }, { assistant: 'Noted.' }, { user: `Again:\n\n${adv.emojiParagraph}` }, exec('cat notes.txt', adv.unicodeOutput), exec('cat notes.txt', adv.unicodeOutput)];
    const { sent } = await send(turns);
    // A lone surrogate (half an emoji) is not valid UTF-8: providers refuse it.
    for (const text of strings(sent)) expect(/\p{Cs}/u.test(text), JSON.stringify(text.slice(0, 80))).toBe(false);
    expect(outputsOf(protocol, sent)[0]).toBe(adv.unicodeOutput);
    if (protocol !== 'responses') {
      // The reference quotes the paragraph's start, whole graphemes only: the model can find it.
      const reference = strings(sent.messages).find((text) => text.includes('repeated verbatim'));
      expect(reference).toBeDefined();
      const quoted = /"(.*)…"\]/su.exec(reference!)![1]!;
      expect(adv.emojiParagraph.startsWith(quoted)).toBe(true);
    }
  });

  it('two versions of a function pasted in turn, then the first again: no reference could tell which, so all arrive', async () => {
    const turns: Turn[] = [{ user: `Here is my function:\n\n${adv.computeV1}` }, { assistant: 'It doubles the value.' }, { user: `I changed it to:\n\n${adv.computeV2}` }, { assistant: 'Now it triples it.' }, { user: `Which of the two is this one?\n\n${adv.computeV1}` }];
    const { sent } = await send(turns);
    const all = strings(protocol === 'responses' ? sent.input : sent.messages);
    expect(all.filter((text) => text.includes(adv.computeV1))).toHaveLength(2);
    expect(all.some((text) => text.includes('repeated verbatim'))).toBe(false);
  });

  it('a pasted paragraph whose start a file read shows with other content: sent again whole, not as a reference', async () => {
    const turns: Turn[] = [{ user: `Is this what the file has?\n\n${adv.computeV1}` }, tool('read', { path: 'src/compute.py' }, `import math\n\n${adv.computeV2}\n`), { assistant: 'The file has another version.' }, { user: `Then put this one in:\n\n${adv.computeV1}` }];
    const { sent } = await send(turns);
    const all = strings(protocol === 'responses' ? sent.input : sent.messages);
    expect(all.filter((text) => text.includes(adv.computeV1))).toHaveLength(2);
  });

  it('injected reminders: one repeated unchanged becomes a reference; an older state of a reminder that changed arrives whole', async () => {
    const turns: Turn[] = [
      { user: `${adv.reminderContext}\n\n${adv.reminderTodosOld}\n\nShrink the pool.` },
      { assistant: 'Done.' },
      { user: `${adv.reminderTodosNew}\n\nNow run the tests.` },
      { assistant: 'Running.' },
      // The client re-sends the context reminder, and (by mistake or on purpose) the old todo state.
      { user: `${adv.reminderContext}\n\n${adv.reminderTodosOld}\n\nWhat is left?` },
      { assistant: 'Checking.' },
    ];
    const { sent } = await send(turns);
    const all = strings(protocol === 'responses' ? sent.input : sent.messages).join('\n');
    // The old todo state is never reduced to a quote that the new state starts with too.
    expect(all.split(adv.reminderTodosOld).length - 1).toBe(2);
    if (protocol !== 'responses') {
      expect(all.split(adv.reminderContext).length - 1).toBe(1);
      expect(all).toContain(`[paragraph repeated verbatim from an earlier message: "${adv.reminderContext.slice(0, 60).trimEnd()}…"]`);
    }
  });

  it('a pasted paragraph whose start an edit call wrote with other content: sent again whole, not as a reference', async () => {
    const turns: Turn[] = [
      { user: `Here is the function:\n\n${adv.computeV1}` },
      tool('edit', { path: 'src/compute.py', old_string: 'v * factor >= threshold]', new_string: `\n${adv.computeV2}\n` }, 'Edited src/compute.py.'),
      { assistant: 'I rewrote it.' },
      { user: `Put back this one:\n\n${adv.computeV1}` },
    ];
    const { sent } = await send(turns);
    const all = strings(protocol === 'responses' ? sent.input : sent.messages);
    expect(all.filter((text) => text.includes(adv.computeV1))).toHaveLength(2);
  });

  it('an instruction repeated with its constraint flipped late in the paragraph ("do not" -> "do"): every copy arrives whole', async () => {
    const turns: Turn[] = [{ user: adv.instruction }, { assistant: 'Understood.' }, { user: adv.instructionFlipped }, { assistant: 'Understood, the opposite now.' }, { user: adv.instruction }, { assistant: 'Back to the first rule.' }];
    const { sent } = await send(turns);
    const all = strings(protocol === 'responses' ? sent.input : sent.messages);
    expect(all.filter((text) => text === adv.instruction)).toHaveLength(2);
    expect(all).toContain(adv.instructionFlipped);
  });

  it('an instruction repeated unchanged, with no other text starting the same way: the repeat becomes a reference that quotes its start', async () => {
    const turns: Turn[] = [{ user: adv.instruction }, { assistant: 'Understood.' }, { user: `Reminder:\n\n${adv.instruction}` }, { assistant: 'Yes.' }];
    const { sent } = await send(turns);
    const all = strings(protocol === 'responses' ? sent.input : sent.messages);
    if (protocol === 'responses') expect(all).toContain(`Reminder:\n\n${adv.instruction}`);
    else expect(all).toContain(`Reminder:\n\n[paragraph repeated verbatim from an earlier message: "${adv.instruction.slice(0, 60).trimEnd()}…"]`);
  });
});

describe('L2.5 and fields tied to a text (Anthropic)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ provider: 'anthropic', exactCache: { enabled: false }, trimming: { minSavedTokensPerMessage: 0 } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('an assistant text block with citations is sent as it came, even when it repeats an earlier paragraph', async () => {
    const cited = { type: 'text', text: adv.instruction, citations: [{ type: 'char_location', cited_text: adv.instruction, document_index: 0, document_title: 'policy', start_char_index: 0, end_char_index: adv.instruction.length }] };
    const body = {
      model: 'fake-model',
      max_tokens: 256,
      messages: [
        { role: 'user', content: [{ type: 'text', text: adv.instruction }] },
        { role: 'assistant', content: [cited] },
        { role: 'user', content: 'Thanks.' },
      ],
    };
    const response = await harness.messages(body);
    expect(response.status).toBe(200);
    await response.text();
    const sent = harness.fake.requests.at(-1)!.body as { messages: Json[] };
    expect(sent.messages[1]).toEqual(body.messages[1]);
  });

  it('colour that tells two results apart stays, even when another conversation used the same call id for a file read', async () => {
    const turns = (first: { name: string; args: Json }) => ({
      model: 'fake-model',
      max_tokens: 256,
      messages: [
        { role: 'user', content: 'Restart the API and check it.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_0', ...{ name: first.name, input: first.args } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_0', content: adv.statusGreen }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'exec', input: { command: 'systemctl restart api; systemctl status api' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: adv.statusRed }] },
        { role: 'assistant', content: 'Checked.' },
        { role: 'user', content: 'Is it healthy?' },
      ],
    });
    // A server that numbers its call ids: the same id and result text, once from a file read.
    await (await harness.messages(turns({ name: 'read', args: { path: 'status.txt' } }))).text();
    await (await harness.messages(turns({ name: 'exec', args: { command: 'systemctl status api' } }))).text();
    const sent = harness.fake.requests.at(-1)!.body as { messages: Array<{ content: unknown }> };
    const results = sent.messages.flatMap((message) => (Array.isArray(message.content) ? (message.content as Json[]) : [])).filter((block) => block.type === 'tool_result');
    expect(results.map((block) => block.content)).toEqual([adv.statusGreen, adv.statusRed]);
  });
});
