import { describe, expect, it } from 'vitest';
import { auditGateway, sendThroughGateway } from './support.js';
import { bodyFor, instructionsOf, outputsOf, referenceTo, shell, read, type Json, type Protocol, type Turn } from './audit-bodies.js';
import { expectFaithful } from './faithful.js';
import * as r5 from './fixtures/round5-outputs.js';

/**
 * The fifth adversarial audit of L2.5, through a real gateway in the three caller protocols, on families
 * the first four did not cover (tests/trimming/round5-families.md lists them): data files with bare-CR
 * line ends printed by a program that is not `cat`; `\r` frames whose last one does not cover the one
 * before; Claude Code's Read / Edit / Grep / TodoWrite results; outputs differing in one invisible or
 * look-alike character; colour attributes that carry meaning (dim, strikethrough, inverse, hidden, 256
 * and true colour, curly underline); JSON differing in one nested value or key order; Codex's run
 * envelopes; OpenClaw's browser snapshots and fetched pages; parallel calls answered out of order and then
 * run again; results that hold a document.
 */

const tool = (name: string, args: Json, output: string, extra: Json = {}): Turn => ({ tool: { name, args, output, ...extra } });

/** What each character of a text looks like: its SGR attributes, applied as a terminal does; escapes themselves are not characters. */
function looks(text: string): string[] {
  const out: string[] = [];
  const state = new Map<string, string>();
  const set = (key: string, value: string | undefined): void => void (value === undefined ? state.delete(key) : state.set(key, value));
  for (let i = 0; i < text.length; ) {
    const sgr = /^\u001b\[([0-9;:]*)m/u.exec(text.slice(i, i + 64));
    if (sgr) {
      const params = sgr[1] === '' ? ['0'] : sgr[1]!.split(';');
      for (let p = 0; p < params.length; p++) {
        const [code, ...sub] = params[p]!.split(':');
        const n = Number(code === '' ? '0' : code);
        if (n === 0) state.clear();
        else if (n === 1 || n === 2) set(`w${n}`, '1');
        else if (n === 22) (set('w1', undefined), set('w2', undefined));
        else if (n === 4) set('u', sub.length > 0 && sub[0] !== '1' ? (sub[0] === '0' ? undefined : sub[0]) : '1');
        else if ([3, 5, 7, 8, 9, 53].includes(n)) set(`a${n}`, '1');
        else if ([23, 25, 27, 28, 29, 55].includes(n)) set(`a${n === 55 ? 53 : n - 20}`, undefined);
        else if (n === 24) set('u', undefined);
        else if ((n >= 30 && n <= 37) || (n >= 90 && n <= 97)) set('fg', String(n));
        else if ((n >= 40 && n <= 47) || (n >= 100 && n <= 107)) set('bg', String(n));
        else if (n === 39) set('fg', undefined);
        else if (n === 49) set('bg', undefined);
        else if (n === 38 || n === 48) {
          const key = n === 38 ? 'fg' : 'bg';
          const mode = sub.length > 0 ? sub : params.slice(p + 1, params[p + 1] === '5' ? p + 3 : p + 5);
          if (sub.length === 0) p += params[p + 1] === '5' ? 2 : 4;
          set(key, mode.filter((part) => part !== '').join('/'));
        } else set(`?${n}`, sub.join(':'));
      }
      i += sgr[0].length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    out.push(`${ch}|${[...state.entries()].sort().map(([k, v]) => `${k}=${v}`).join(',')}`);
    i += ch.length;
  }
  return out;
}

/** A body with two calls of one command made in parallel, answered in the other order, then the command run again. */
function parallelBody(protocol: Protocol, command: string, outputs: [first: string, second: string, again: string]): Json {
  const args = { command: ['bash', '-lc', command], workdir: '/repo', timeout_ms: 10000 };
  const json = JSON.stringify(args);
  if (protocol === 'openai')
    return {
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'You are a coding agent.' },
        { role: 'user', content: 'Poll the queue twice at once, then once more.' },
        { role: 'assistant', content: null, tool_calls: ['call_a', 'call_b'].map((id) => ({ id, type: 'function', function: { name: 'shell', arguments: json } })) },
        { role: 'tool', tool_call_id: 'call_b', content: outputs[1] },
        { role: 'tool', tool_call_id: 'call_a', content: outputs[0] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_c', type: 'function', function: { name: 'shell', arguments: json } }] },
        { role: 'tool', tool_call_id: 'call_c', content: outputs[2] },
        { role: 'user', content: 'How deep is the queue now?' },
      ],
    };
  if (protocol === 'anthropic')
    return {
      model: 'fake-model',
      max_tokens: 256,
      system: 'You are a coding agent.',
      messages: [
        { role: 'user', content: 'Poll the queue twice at once, then once more.' },
        { role: 'assistant', content: ['toolu_a', 'toolu_b'].map((id) => ({ type: 'tool_use', id, name: 'shell', input: args })) },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_b', content: outputs[1] }, { type: 'tool_result', tool_use_id: 'toolu_a', content: outputs[0] }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_c', name: 'shell', input: args }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_c', content: outputs[2] }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] },
        { role: 'user', content: 'How deep is the queue now?' },
      ],
    };
  const call = (id: string): Json => ({ type: 'function_call', id: `fc_${id}`, call_id: id, name: 'shell', arguments: json });
  const output = (id: string, text: string): Json => ({ type: 'function_call_output', call_id: id, output: text });
  return {
    model: 'fake-model',
    store: false,
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Poll the queue twice at once, then once more.' }] },
      call('call_a'),
      call('call_b'),
      output('call_b', outputs[1]),
      output('call_a', outputs[0]),
      call('call_c'),
      output('call_c', outputs[2]),
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How deep is the queue now?' }] },
    ],
  };
}

/** Two reads of one PDF by the same call, the same text extracted each time, with another document attached the second time. */
function documentBody(protocol: Protocol, text: string, documents: [string, string]): Json {
  const args = { file_path: '/repo/invoice.pdf' };
  const json = JSON.stringify(args);
  if (protocol === 'anthropic') {
    const result = (id: string, data: string): Json => ({ type: 'tool_result', tool_use_id: id, content: [{ type: 'text', text }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data } }] });
    return {
      model: 'fake-model',
      max_tokens: 256,
      messages: [
        { role: 'user', content: 'Read the invoice.' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ReadPdf', input: args }] },
        { role: 'user', content: [result('toolu_1', documents[0])] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_2', name: 'ReadPdf', input: args }] },
        { role: 'user', content: [result('toolu_2', documents[1])] },
        { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] },
        { role: 'user', content: 'Did the invoice change?' },
      ],
    };
  }
  if (protocol === 'responses') {
    const output = (id: string, data: string): Json => ({ type: 'function_call_output', call_id: id, output: [{ type: 'input_text', text }, { type: 'input_file', filename: 'invoice.pdf', file_data: `data:application/pdf;base64,${data}` }] });
    return {
      model: 'fake-model',
      store: false,
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Read the invoice.' }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'ReadPdf', arguments: json },
        output('call_1', documents[0]),
        { type: 'function_call', id: 'fc_2', call_id: 'call_2', name: 'ReadPdf', arguments: json },
        output('call_2', documents[1]),
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Did the invoice change?' }] },
      ],
    };
  }
  // Chat tool messages hold text: the file comes as a user message after each result.
  const file = (data: string): Json => ({ role: 'user', content: [{ type: 'text', text: 'Attached:' }, { type: 'file', file: { filename: 'invoice.pdf', file_data: `data:application/pdf;base64,${data}` } }] });
  return {
    model: 'fake-model',
    messages: [
      { role: 'user', content: 'Read the invoice.' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ReadPdf', arguments: json } }] },
      { role: 'tool', tool_call_id: 'call_1', content: text },
      file(documents[0]),
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'ReadPdf', arguments: json } }] },
      { role: 'tool', tool_call_id: 'call_2', content: text },
      file(documents[1]),
      { role: 'user', content: 'Did the invoice change?' },
    ],
  };
}

describe.each(['openai', 'anthropic', 'responses'] as const)('L2.5 audit 5, through the gateway (%s)', (protocol) => {
  const gateway = auditGateway(protocol);

  const send = async (turns: Turn[], drawn?: ReadonlyMap<string, string>): Promise<{ outputs: string[]; sent: Json }> => {
    const sent = await sendThroughGateway(gateway.harness, protocol, bodyFor(protocol, turns));
    return { outputs: expectFaithful(protocol, turns, sent, drawn), sent };
  };

  // --- Data files with bare-CR line ends -------------------------------------------------------------------

  it('CSV and text files with bare-CR line ends (an old Mac export) printed by python, iconv, curl or a fetch tool: byte for byte, every row', async () => {
    const turns: Turn[] = [
      { user: 'What did the stock do this morning?' },
      shell('python3 -c "import sys; sys.stdout.write(open(\'ticks.csv\', newline=\'\').read())"', r5.macCsvTimes),
      shell('iconv -f macintosh -t utf-8 rates.csv', r5.macCsvPercent),
      shell('curl -s http://intranet/grades.txt', r5.macScores),
      tool('web_fetch', { url: 'http://intranet/ticks.txt' }, r5.macTickerRows),
      shell('python3 -c "print(open(\'q.csv\', newline=\'\').read(), end=\'\')"', r5.macQuarters),
    ];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r5.macCsvTimes, r5.macCsvPercent, r5.macScores, r5.macTickerRows, r5.macQuarters]);
  });

  it('the same bare-CR file inside a Codex run envelope: byte for byte', async () => {
    const output = r5.envelope('a1b2c3', '0.0104', 0, 40, r5.macCsvTimes);
    const { outputs } = await send([{ user: 'Show the ticks.' }, tool('exec_command', { cmd: 'python3 dump.py ticks.csv' }, output)]);
    expect(outputs).toEqual([output]);
  });

  // --- \r frames --------------------------------------------------------------------------------------------

  it('a last frame shorter than the progress frame it lands on, frames that shrink, a warning among the frames: byte for byte (a terminal would mix two texts on one row)', async () => {
    const turns: Turn[] = [{ user: 'Did the import work?' }, shell('./import.sh', r5.shortFinalFrame), shell('./upload.sh', r5.shrinkingRate), shell('./sync.py', r5.warningBetweenFrames)];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r5.shortFinalFrame, r5.shrinkingRate, r5.warningBetweenFrames]);
    expect(outputs[0]).toContain('saved 42 rows');
    expect(outputs[2]).toContain('WARNING: chunk 5 checksum mismatch');
  });

  it('frames that cover each other: drawn to the last one; the same run again becomes a reference', async () => {
    const drawn = new Map([[r5.coveringFrames, r5.coveringFramesFinal]]);
    const { outputs } = await send([{ user: 'Train.' }, shell('python train.py', r5.coveringFrames), shell('python train.py', r5.coveringFrames)], drawn);
    expect(outputs[0]).toBe(r5.coveringFramesFinal);
    expect(outputs[1]).toMatch(referenceTo('shell', 1));
  });

  // --- Claude Code's tools -----------------------------------------------------------------------------------

  it('Read, Edit, Read (numbered lines): the second read arrives whole, the edit snippet untouched; an unchanged third read is a reference to the second', async () => {
    const args = { file_path: '/repo/src/total.js' };
    const turns: Turn[] = [
      { user: 'total() ignores quantities.' },
      read(args, r5.readBefore),
      tool('Edit', { file_path: '/repo/src/total.js', old_string: 'sum + item.price, 0', new_string: 'sum + item.price * item.qty, 0' }, r5.editResult),
      read(args, r5.readAfter),
      read(args, r5.readAfter),
    ];
    const { outputs } = await send(turns);
    expect(outputs.slice(0, 3)).toEqual([r5.readBefore, r5.editResult, r5.readAfter]);
    expect(outputs[3]).toMatch(referenceTo('Read', 3));
  });

  it('a Read past the end (the truncation notice), Grep lists differing in one file, TodoWrite with other todos: each whole', async () => {
    const turns: Turn[] = [
      { user: 'Find the callers.' },
      read({ file_path: '/repo/a.txt', offset: 2000 }, r5.readTruncated),
      read({ file_path: '/repo/a.txt' }, r5.readTruncated.split('\n\n<system-reminder>')[0]!),
      tool('Grep', { pattern: 'total\\(', output_mode: 'files_with_matches' }, r5.grepFiles(['/repo/src/cart.js', '/repo/src/invoice.js'])),
      tool('Grep', { pattern: 'total\\(', output_mode: 'files_with_matches' }, r5.grepFiles(['/repo/src/cart.js', '/repo/src/invoice.js', '/repo/src/refund.js'])),
      tool('TodoWrite', { todos: [{ content: 'fix total', status: 'in_progress' }] }, r5.todoResult),
      tool('TodoWrite', { todos: [{ content: 'fix total', status: 'completed' }] }, r5.todoResult),
    ];
    const { outputs } = await send(turns);
    expect(outputs).toEqual(turns.slice(1).map((turn) => ('tool' in turn ? turn.tool.output : '')));
  });

  // --- One character apart -----------------------------------------------------------------------------------

  it.each(Object.entries(r5.lookAlikes))('outputs differing in %s: both whole; the second again is a reference to it', async (_what, [first, second]) => {
    const { outputs } = await send([{ user: 'Check again.' }, shell('./status', first), shell('./status', second), shell('./status', second)]);
    expect(outputs.slice(0, 2)).toEqual([first, second]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  // --- Colour attributes ---------------------------------------------------------------------------------------

  it('dim, strikethrough, inverse, hidden, 256 and true colour, curly underline, red vs bright red: every character keeps its look, no run is "the same" as another colour', async () => {
    const turns: Turn[] = [{ user: 'Which tests fail?' }, shell('./test.sh', r5.attributes), shell('./test.sh', r5.attributesBright), shell('./test.sh', r5.attributes)];
    const sent = await sendThroughGateway(gateway.harness, protocol, bodyFor(protocol, turns));
    const outputs = outputsOf(protocol, sent);
    const originals = [r5.attributes, r5.attributesBright, r5.attributes];
    outputs.forEach((text, k) => expect(looks(text), `output ${k}`).toEqual(looks(originals[k]!)));
    expectFaithful(protocol, turns, sent, new Map(outputs.map((text, k) => [originals[k]!, text])));
  });

  it('a redrawn row holding an SGR the renderer cannot write again (curly underline, framed text ended by 54): byte for byte', async () => {
    const { outputs } = await send([{ user: 'Which words are in doubt?' }, shell('./spellcheck docs', r5.curlyRedraw), shell('./cache-check', r5.framedRedraw)]);
    expect(outputs).toEqual([r5.curlyRedraw, r5.framedRedraw]);
  });

  it('a rule flipped and flipped back (never, always, never): the last word the model reads is "never", late in the rule or at its start', async () => {
    for (const rule of [r5.policy, r5.policyFirst]) {
      const [never, always] = rule === r5.policy ? [rule('never'), rule('always')] : [rule('Never'), rule('Always')];
      const turns: Turn[] = [{ developer: never }, { user: 'Deploy the fix.' }, { developer: always }, { user: 'Deploy again.' }, { developer: never }, { user: 'And once more?' }];
      const { sent } = await send(turns);
      const texts = instructionsOf(protocol, sent);
      const last = texts.filter((text) => text.includes('Monday 09:00') || text.includes('repeated verbatim')).at(-1)!;
      // Whole, or a reference whose quote shows the "never" version's start and no other.
      if (!last.includes(never)) {
        expect(last).toMatch(/repeated verbatim from an earlier message/u);
        expect(never.startsWith(/"([^"]*)…"/u.exec(last)![1]!)).toBe(true);
        expect(always.startsWith(/"([^"]*)…"/u.exec(last)![1]!)).toBe(false);
      }
      expect(texts.some((text) => text.includes(always))).toBe(true);
    }
  });

  // --- JSON ------------------------------------------------------------------------------------------------------

  it('JSON differing in one nested value, in key order, or minified: each whole; the same bytes again a reference', async () => {
    const command = 'kubectl get deploy api -o json | jq .';
    const turns: Turn[] = [{ user: 'Is the rollout done?' }, shell(command, r5.jsonA), shell(command, r5.jsonNested), shell(command, r5.jsonOrder), shell(command, r5.jsonMin), shell(command, r5.jsonMin)];
    const { outputs } = await send(turns);
    expect(outputs.slice(0, 4)).toEqual([r5.jsonA, r5.jsonNested, r5.jsonOrder, r5.jsonMin]);
    expect(outputs[4]).toMatch(referenceTo('shell', 4));
  });

  // --- Codex run envelopes -------------------------------------------------------------------------------------------

  it('Codex envelopes: the same output under another exit code or token count whole; a repeat keeps its own header, its output a reference', async () => {
    const out = 'FAILED tests/test_cart.py::test_total - assert 10 == 12\nFAILED tests/test_cart.py::test_total_with_discount - assert 9.0 == 10.8\n2 failed, 40 passed in 0.92s\n';
    const runs = [r5.envelope('aa11', '0.9012', 1, 30, out), r5.envelope('bb22', '0.8811', 0, 30, out), r5.envelope('cc33', '0.9350', 0, 31, out), r5.envelope('dd44', '0.9001', 0, 31, out)];
    const turns: Turn[] = [{ user: 'Run the tests.' }, ...runs.map((run) => tool('exec_command', { cmd: 'pytest -q' }, run))];
    const sent = await sendThroughGateway(gateway.harness, protocol, bodyFor(protocol, turns));
    const outputs = outputsOf(protocol, sent);
    expect(outputs.slice(0, 3)).toEqual(runs.slice(0, 3));
    const header = runs[3]!.slice(0, runs[3]!.indexOf('Output:\n') + 'Output:\n'.length);
    expect(outputs[3]!.startsWith(header)).toBe(true);
    expect(outputs[3]!.slice(header.length)).toMatch(referenceTo('exec_command', 3));
  });

  it('Codex: a process still running polled twice with the same output, then exited with it: the exit arrives whole', async () => {
    const wait = 'waiting for db at postgres://db.internal:5432/app (attempt 3 of 30, next try in 2 s)\nwaiting for db at postgres://db.internal:5432/app (attempt 4 of 30, next try in 2 s)\n';
    const polls = [r5.running('p1', 7, wait), r5.running('p2', 7, wait), r5.envelope('p3', '0.1', 0, 12, wait)];
    const turns: Turn[] = [{ user: 'Start the server.' }, ...polls.map((poll) => tool('write_stdin', { session_id: 7, chars: '' }, poll))];
    const sent = await sendThroughGateway(gateway.harness, protocol, bodyFor(protocol, turns));
    const outputs = outputsOf(protocol, sent);
    expect(outputs[0]).toBe(polls[0]);
    expect(outputs[2]).toBe(polls[2]);
    expect(outputs[1]!.startsWith('Chunk ID: p2\nWall time: 5.0021 seconds\nProcess running with session ID 7\n')).toBe(true);
  });

  // --- OpenClaw's browser and web tools --------------------------------------------------------------------------------

  it('browser snapshots before and after a click, and a fetched page whose price changed: each whole; an unchanged snapshot a reference', async () => {
    const turns: Turn[] = [
      { user: 'Accept the terms and pay.' },
      tool('browser', { action: 'snapshot' }, r5.snapshot(false)),
      tool('browser', { action: 'act', kind: 'click', ref: 'e7' }, 'clicked e7'),
      tool('browser', { action: 'snapshot' }, r5.snapshot(true)),
      tool('browser', { action: 'snapshot' }, r5.snapshot(true)),
      tool('web_fetch', { url: 'https://example.com/pricing' }, r5.fetchedPage('$19')),
      tool('web_fetch', { url: 'https://example.com/pricing' }, r5.fetchedPage('$29')),
    ];
    const { outputs } = await send(turns);
    expect(outputs.slice(0, 3)).toEqual([r5.snapshot(false), 'clicked e7', r5.snapshot(true)]);
    expect(outputs[3]).toMatch(referenceTo('browser', 3));
    expect(outputs.slice(4)).toEqual([r5.fetchedPage('$19'), r5.fetchedPage('$29')]);
  });

  // --- Parallel calls, documents ------------------------------------------------------------------------------------------

  it('two parallel runs of one command answered out of order, then a third run printing what the first call printed: whole (the previous call printed something else)', async () => {
    const workers = (depth: number, busy: string): string => `queue depth: ${depth}\n${[1, 2, 3, 4, 5, 6].map((n) => `worker-${n}: ${busy.includes(String(n)) ? 'busy' : 'idle'} (last job 2026-11-27T05:1${n}:00Z)`).join('\n')}\n`;
    const [first, second] = [workers(120, '12345'), workers(7, '')];
    const sent = await sendThroughGateway(gateway.harness, protocol, parallelBody(protocol, 'redis-cli llen jobs && ./workers', [first, second, first]));
    expect(outputsOf(protocol, sent)).toEqual([second, first, first]);
  });

  it('the same text read twice from a PDF, with another document attached the second time: the second read is never a reference', async () => {
    const text = 'Invoice 2026-118\nTotal due: see attached document.\n'.repeat(3);
    const documents: [string, string] = ['JVBERi0xLjQKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+Pgo=', 'JVBERi0xLjQKMSAwIG9iago8PC9UeXBlL1BhZ2VzPj4K'];
    const body = documentBody(protocol, text, documents);
    const sent = await sendThroughGateway(gateway.harness, protocol, body);
    const outputs = outputsOf(protocol, sent);
    expect(JSON.stringify(sent)).toContain(documents[0]);
    expect(JSON.stringify(sent)).toContain(documents[1]);
    expect(outputs[0]).toBe(text);
    // In chat the file is a user message of its own, which stays: the tool's text alone may be a reference.
    if (protocol === 'openai') expect(outputs[1]).toMatch(/^\[tool call call_2 printed exactly the same output as the previous ReadPdf call with the same arguments above \(tool call call_1\)\]$/u);
    else expect(outputs[1]).toBe(text);
  });
});
