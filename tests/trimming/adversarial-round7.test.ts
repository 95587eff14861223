import { describe, expect, it } from 'vitest';
import { auditGateway, sendThroughGateway } from './support.js';
import { bodyFor, instructionsOf, occurrences, referenceTo, shell, type Json, type Protocol, type Turn } from './audit-bodies.js';
import { expectFaithful } from './faithful.js';
import * as r7 from './fixtures/round7-outputs.js';

/**
 * The seventh adversarial audit of L2.5, through a real gateway in the three caller protocols, on families
 * rounds 1-6 did not cover: a multiplexer label only one row carries; legacy chat `functions` descriptions
 * and `function_call` arguments; outputs where repetition is the content (identical lines, `yes | head`,
 * TAP, identical table rows); diffs whose lines differ in a sign or a trailing space; YAML and JSON blocks
 * differing in one value; recursion tracebacks; base64 and hex dumps; instructions repeated with one word
 * changed, starting one Markdown mark or one script's digits apart, with an exception appended, quoted
 * to ask about them; code pasted twice with one edit;
 * paragraphs that point at their neighbours; progress frames that carry an error, a warning or a cross;
 * cut notices without a count; cleared and alternate screens; Windows CRLF output; other scripts (CJK,
 * Arabic, Devanagari, Thai, emoji); carriage returns inside JSON; compressed logs; output the model is
 * told to copy exactly.
 *
 * Every conversation is checked by expectFaithful (faithful.ts); cases add what they are about.
 */

type Definition = { name: string; description: string };

/** The request's tool definitions in the protocol's shape; `legacy` puts them in chat's old `functions` field. */
function withTools(protocol: Protocol, body: Json, tools: Definition[], legacy = false): Json {
  const schema = { type: 'object', properties: { env: { type: 'string' } } };
  if (protocol === 'openai' && legacy) return { ...body, functions: tools.map(({ name, description }) => ({ name, description, parameters: schema })) };
  const defined =
    protocol === 'openai'
      ? tools.map(({ name, description }) => ({ type: 'function', function: { name, description, parameters: schema } }))
      : protocol === 'anthropic'
        ? tools.map(({ name, description }) => ({ name, description, input_schema: schema }))
        : tools.map(({ name, description }) => ({ type: 'function', name, description, parameters: schema }));
  return { ...body, tools: defined };
}

describe.each(['openai', 'anthropic', 'responses'] as const)('L2.5 audit 7, through the gateway (%s)', (protocol) => {
  const gateway = auditGateway(protocol);

  const send = async (turns: Turn[], drawn?: ReadonlyMap<string, string>): Promise<{ outputs: string[]; texts: string[]; sent: Json }> => {
    const sent = await sendThroughGateway(gateway.harness, protocol, bodyFor(protocol, turns));
    return { outputs: expectFaithful(protocol, turns, sent, drawn), texts: instructionsOf(protocol, sent), sent };
  };

  // --- Round 6's leftovers -------------------------------------------------------------------------------------------

  it.each(Object.entries(r7.oneOffLabels))('%s: a redraw under a label no other row repeats: byte for byte (drawn, the row loses its label)', async (_what, output) => {
    const { outputs } = await send([{ user: 'Why does the worker crash?' }, shell('./dev.sh', output)]);
    expect(outputs).toEqual([output]);
  });

  it.each([true, false])('a repeated rule whose start a function description shares with "always" for "never" (legacy functions: %s): the repeat arrives whole', async (legacy) => {
    const rule = r7.ruleInFunction('never');
    const turns: Turn[] = [{ user: rule }, { assistant: 'Understood.' }, { user: 'Migrate staging.' }, { assistant: 'Snapshot taken.' }, { user: rule }];
    const described = r7.ruleInFunction('always');
    const sent = await sendThroughGateway(gateway.harness, protocol, withTools(protocol, bodyFor(protocol, turns), [{ name: 'migrate', description: described }], legacy));
    expectFaithful(protocol, turns, sent, new Map(), [described]);
    expect(occurrences(instructionsOf(protocol, sent), rule)).toBe(2);
  });

  it('legacy functions whose descriptions say something else: the repeated rule is a reference (chat trims user text)', async () => {
    const rule = r7.ruleInFunction('never');
    const turns: Turn[] = [{ user: rule }, { assistant: 'Understood.' }, { user: 'Migrate staging.' }, { assistant: 'Snapshot taken.' }, { user: rule }];
    const described = 'Runs the pending database migrations of one environment.';
    const sent = await sendThroughGateway(gateway.harness, protocol, withTools(protocol, bodyFor(protocol, turns), [{ name: 'migrate', description: described }], true));
    expectFaithful(protocol, turns, sent, new Map(), [described]);
    expect(occurrences(instructionsOf(protocol, sent), rule)).toBe(protocol === 'responses' ? 2 : 1);
  });

  it('a rule repeated after a call wrote a file starting the same way with "always" for "never" (chat: a legacy function_call): the repeat arrives whole', async () => {
    const rule = r7.writtenRule('never');
    const written = r7.writtenRule('always');
    const turns: Turn[] = [{ user: rule }, { tool: { name: 'write_file', args: { path: 'RELEASE.md', content: written }, output: 'Wrote RELEASE.md.' } }, { assistant: 'Written.' }, { user: rule }];
    let body = bodyFor(protocol, turns);
    if (protocol === 'openai') {
      // The same conversation as a client of the legacy functions API sends it: function_call and a `function` result.
      const messages = (body.messages as Json[]).map((message) => {
        const calls = message.tool_calls as Array<{ function: Json }> | undefined;
        if (calls) return { role: 'assistant', content: null, function_call: calls[0]!.function };
        return message.role === 'tool' ? { role: 'function', name: 'write_file', content: message.content } : message;
      });
      body = { ...body, messages };
    }
    const sent = await sendThroughGateway(gateway.harness, protocol, body);
    const texts = instructionsOf(protocol, sent);
    expect(occurrences(texts, rule)).toBe(2);
  });

  // --- Repetition that is the content --------------------------------------------------------------------------------

  it('identical log lines under a spinner: drawn, all seven 503s and both 200s arrive', async () => {
    const drawn = new Map([[r7.sameLinesUnderSpinner, r7.sameLinesUnderSpinnerScreen]]);
    const { outputs } = await send([{ user: 'How many health checks failed?' }, shell('tail -n 9 access.log', r7.sameLinesUnderSpinner)], drawn);
    expect(outputs[0]!.split('GET /healthz 503').length - 1).toBe(7);
  });

  it('`yes | head -n 200` then `-n 201`, then `-n 201` again: the first two whole, the third a reference', async () => {
    const { outputs } = await send([{ user: 'Count the lines.' }, shell('yes | head -n 200', r7.yesHead(200)), shell('yes | head -n 201', r7.yesHead(201)), shell('yes | head -n 201', r7.yesHead(201))]);
    expect(outputs.slice(0, 2)).toEqual([r7.yesHead(200), r7.yesHead(201)]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  it('TAP output with eleven `ok` and one `not ok` after a progress row: the `not ok` and its YAML block arrive', async () => {
    const { outputs } = await send([{ user: 'Which test fails?' }, shell('prove -v t/', r7.tapRun)], new Map([[r7.tapRun, r7.tapRun.slice(r7.tapRun.lastIndexOf(`\u001b[K`) + 3)]]));
    expect(outputs[0]).toContain('not ok 7 - rounds 1.005 half up\n  ---\n  expected: 1.01');
    expect(outputs[0]!.split('\nok ').length).toBe(11);
  });

  it('a table of identical rows, then one row more: both whole (the count is the answer)', async () => {
    const { outputs } = await send([{ user: 'Does the join duplicate rows?' }, shell('psql -c "select ..."', r7.identicalRows(4)), shell('psql -c "select ..."', r7.identicalRows(5))]);
    expect(outputs).toEqual([r7.identicalRows(4), r7.identicalRows(5)]);
  });

  // --- Diffs ----------------------------------------------------------------------------------------------------------

  it('a diff whose lines differ in a sign and a trailing space, then with the other sign, then again: whole, whole, reference', async () => {
    const { outputs } = await send([{ user: 'What changed?' }, shell('git diff', r7.signDiff('-')), shell('git diff', r7.signDiff('+')), shell('git diff', r7.signDiff('+'))]);
    expect(outputs.slice(0, 2)).toEqual([r7.signDiff('-'), r7.signDiff('+')]);
    expect(outputs[0]).toContain('-  retries: 3 \n');
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  it('a diff of a fixture holding a carriage return in a changed line: byte for byte', async () => {
    const { outputs } = await send([{ user: 'Why does the fixture test fail?' }, shell('git diff fixtures/', r7.diffWithReturn)]);
    expect(outputs).toEqual([r7.diffWithReturn]);
  });

  // --- Structured outputs --------------------------------------------------------------------------------------------

  it('YAML with three pod blocks, one image changed between runs: both whole; the same run again a reference', async () => {
    const [a, b] = [r7.podsYaml('4.2.1'), r7.podsYaml('4.2.0')];
    const { outputs } = await send([{ user: 'Are all pods on 4.2.1?' }, shell('kubectl get pods -o yaml', a), shell('kubectl get pods -o yaml', b), shell('kubectl get pods -o yaml', b)]);
    expect(outputs.slice(0, 2)).toEqual([a, b]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  it('JSON with four blocks, the last with another replica count: both whole', async () => {
    const { outputs } = await send([{ user: 'Scale zone a.' }, shell('./zones.sh', r7.replicasJson(3)), shell('./zones.sh', r7.replicasJson(0))]);
    expect(outputs).toEqual([r7.replicasJson(3), r7.replicasJson(0)]);
  });

  // --- Stack traces and dumps ------------------------------------------------------------------------------------------

  it('a recursion traceback with repeated frames, rerun with one line number changed: both whole', async () => {
    const { outputs } = await send([{ user: 'Why does walk recurse forever?' }, shell('python tree.py', r7.recursionTrace(41)), shell('python tree.py', r7.recursionTrace(43))]);
    expect(outputs).toEqual([r7.recursionTrace(41), r7.recursionTrace(43)]);
  });

  it('a base64 certificate, then one character changed, and a hex dump with `*` before and after one byte: every version whole', async () => {
    const turns: Turn[] = [
      { user: 'Did the certificate or the binary change?' },
      shell('cat cert.pem', r7.base64Cert('J')),
      shell('cat cert.pem', r7.base64Cert('K')),
      shell('xxd app | head -3', r7.xxdDump('01')),
      shell('xxd app | head -3', r7.xxdDump('02')),
    ];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r7.base64Cert('J'), r7.base64Cert('K'), r7.xxdDump('01'), r7.xxdDump('02')]);
  });

  // --- Instructions that change one word -------------------------------------------------------------------------------

  it.each([
    ['not / now', r7.deployRule('not'), r7.deployRule('now')],
    ['never / always', r7.deployRule('never'), r7.deployRule('always')],
    ['30 / 300 minutes', r7.waitRule(30), r7.waitRule(300)],
    ['a changed last clause', r7.endRule('never drop a column in the same release'), r7.endRule('always drop the old column in the same release')],
  ])('a rule repeated with %s, then the first again: every version arrives whole at least once, the changed one whole', async (_what, first, second) => {
    const turns: Turn[] = [{ user: first }, { assistant: 'OK.' }, { user: second }, { assistant: 'OK.' }, { user: first }, { assistant: 'OK.' }, { user: second }];
    const { texts } = await send(turns);
    expect(occurrences(texts, first)).toBeGreaterThanOrEqual(1);
    expect(occurrences(texts, second)).toBeGreaterThanOrEqual(1);
  });

  it.each(Object.entries(r7.confusableStarts))('two rules whose starts differ only in %s: the first, repeated, arrives whole', async (_what, [first, second]) => {
    const turns: Turn[] = [{ user: first }, { assistant: 'OK.' }, { user: second }, { assistant: 'OK.' }, { user: first }];
    const { texts } = await send(turns);
    expect(occurrences(texts, first)).toBe(2);
    expect(occurrences(texts, second)).toBe(1);
  });

  it.each([
    ['in the same paragraph', `${r7.systemPrompt}\nException: tonight you may restart the ledger workers without asking.`],
    ['as a paragraph of its own', `${r7.systemPrompt}\n\nException: tonight you may restart the ledger workers without asking.`],
  ])('the system prompt repeated with an exception appended %s: the exception arrives', async (_what, repeated) => {
    const turns: Turn[] = [{ developer: r7.systemPrompt }, { user: 'Is the ledger healthy?' }, { assistant: 'Checking.' }, { developer: repeated }, { user: 'Restart the ledger workers.' }];
    const { texts } = await send(turns);
    expect(texts.join('\n')).toContain('Exception: tonight you may restart the ledger workers without asking.');
  });

  it.each([
    ['quoted with "> "', (rule: string) => `You told me earlier:\n\n> ${rule}\n\nDoes that still hold for hotfixes?`],
    ['pasted as it was', (rule: string) => `You told me earlier:\n\n${rule}\n\nDoes that still hold for hotfixes?`],
  ])('the user pastes an earlier rule %s to ask about it: the question and the rule are there', async (_what, ask) => {
    const rule = r7.deployRule('never');
    const turns: Turn[] = [{ assistant: rule }, { user: 'OK.' }, { assistant: 'Noted.' }, { user: ask(rule) }, { assistant: 'It holds.' }];
    const { texts } = await send(turns);
    expect(texts.join('\n')).toContain('Does that still hold for hotfixes?');
  });

  it('a function pasted twice with one rate changed (a blank line inside), then the first again: the changed line arrives', async () => {
    const turns: Turn[] = [{ user: r7.pastedFunction('0.19') }, { assistant: 'Looks right.' }, { user: r7.pastedFunction('0.07') }, { assistant: 'The rate changed.' }, { user: r7.pastedFunction('0.19') }, { assistant: 'Back again.' }];
    const { texts } = await send(turns);
    const all = texts.join('\n');
    expect(all).toContain('tax = (subtotal - discount) * 0.07');
    expect(all).toContain('tax = (subtotal - discount) * 0.19');
  });

  it('a fenced code block pasted twice with one edit: both whole', async () => {
    const fenced = (n: number): string => `Why is this slow?\n\n\`\`\`sql\nselect o.id, sum(l.qty * l.price) as total\nfrom orders o join lines l on l.order_id = o.id\nwhere o.created_at > now() - interval '${n} days'\ngroup by o.id order by total desc limit 50;\n\`\`\``;
    const turns: Turn[] = [{ user: fenced(7) }, { assistant: 'Add an index.' }, { user: fenced(30) }, { assistant: 'Still slow?' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, fenced(7))).toBe(1);
    expect(occurrences(texts, fenced(30))).toBe(1);
  });

  // --- Progress frames that carry an error -----------------------------------------------------------------------------

  it.each([
    ['a retry in an overwritten download frame', r7.retryInFrame, 'retry 1/3: connection reset by peer'],
    ['a warning in an overwritten spinner frame', r7.warningInSpinner, 'warning: peer dependency react@18 missing'],
  ])('%s: byte for byte (drawn, the error is gone)', async (_what, output, said) => {
    const { outputs } = await send([{ user: 'Did it install cleanly?' }, shell('./setup.sh', output)]);
    expect(outputs).toEqual([output]);
    expect(outputs[0]).toContain(said);
  });

  it('a cross (✖) marking a failed suite in an overwritten frame: byte for byte', async () => {
    const { outputs } = await send([{ user: 'Did every suite pass?' }, shell('./run-suites.sh', r7.crossInFrame)]);
    expect(outputs).toEqual([r7.crossInFrame]);
  });

  it.each(['zcat ci.log.1.gz', 'gzip -dc ci.log.1.gz | head -n 40', 'xzcat ci.log.2.xz'])('a compressed log printed with `%s`: byte for byte (a file\'s carriage returns are its bytes)', async (command) => {
    const { outputs } = await send([{ user: 'What did step 4 download?' }, shell(command, r7.compressedLog)]);
    expect(outputs).toEqual([r7.compressedLog]);
  });

  it('a warning in a row of a two-row progress display, redrawn with the cursor moved up: byte for byte', async () => {
    const { outputs } = await send([{ user: 'Did both services build?' }, shell('pnpm -r build', r7.multiRowWarning)]);
    expect(outputs).toEqual([r7.multiRowWarning]);
  });

  it('an error in the last frame: drawn, the error arrives', async () => {
    const { outputs } = await send([{ user: 'Did the upload work?' }, shell('./upload.sh', r7.errorLastFrame)], new Map([[r7.errorLastFrame, r7.errorLastFrameScreen]]));
    expect(outputs[0]).toContain('Upload failed at 55%: 403 Forbidden');
  });

  // --- Windows output, other scripts, JSON --------------------------------------------------------------------------------

  it('a Windows copy with CRLF lines and a bare-\\r progress row: every CRLF line and the ERROR line arrive', async () => {
    const { outputs } = await send([{ user: 'Did the copy succeed?' }, shell('robocopy C:\\build D:\\out', r7.windowsProgress)], new Map([[r7.windowsProgress, r7.windowsProgressScreen]]));
    expect(outputs[0]).toContain('Copied 1,204 files\r\nERROR 32 (0x00000020) Accessing Source File C:\\build\\app.log\r\n');
  });

  it.each(Object.entries(r7.scripts))('%s: as it came or drawn to the screen every terminal shows', async (what, output) => {
    const screen = r7.scriptScreens[what];
    const { outputs } = await send([{ user: 'Did the download finish?' }, shell('./fetch.sh', output)], screen === undefined ? undefined : new Map([[output, screen]]));
    expect(outputs).toHaveLength(1);
  });

  it('NDJSON logs with a raw \\r inside a message string, and `jq -r` output of such a log: byte for byte', async () => {
    const { outputs } = await send([{ user: 'What failed?' }, shell('cat-logs --json', r7.ndjsonReturns), shell("curl -s ci/api/steps | jq -r '.steps[].log'", r7.jqRawReturns)]);
    expect(outputs).toEqual([r7.ndjsonReturns, r7.jqRawReturns]);
  });

  it.each(Object.entries(r7.stillDrawn))('%s: still drawn to its final screen', async (_what, [output, screen]) => {
    const { outputs } = await send([{ user: 'Set up the project.' }, shell('./setup.sh', output)], new Map([[output, screen]]));
    expect(outputs).toEqual([screen]);
  });

  // --- Cut notices without a count, cleared screens ----------------------------------------------------------------------

  it.each(Object.entries(r7.countlessCuts))('a tool cut notice without a count (%s) inside a redrawn row: the notice arrives', async (notice, output) => {
    const { outputs } = await send([{ user: 'Did the build pass?' }, shell('./build --quiet', output)]);
    expect(outputs[0]).toContain(notice);
  });

  it.each(Object.entries(r7.clearedScreens))('%s: byte for byte (what was cleared is in the scrollback)', async (_what, output) => {
    const { outputs } = await send([{ user: 'What happened?' }, shell('./steps.sh', output)]);
    expect(outputs).toEqual([output]);
  });

  // --- Paragraphs that point at their neighbours ----------------------------------------------------------------------------

  it('a rule that says "listed above", repeated under another list: the repeat arrives whole', async () => {
    const turns: Turn[] = [{ user: r7.listed(['/tmp/a.log', '/tmp/b.log']) }, { assistant: 'Done: 12 MB freed.' }, { user: r7.listed(['/srv/db/main.db', '/srv/db/wal.log']) }, { assistant: 'Waiting for the backup.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, r7.pointingRule)).toBe(2);
  });

  it('a rule ending "run exactly the following command:", repeated before another command: the repeat arrives whole', async () => {
    const turns: Turn[] = [{ user: r7.withCommand('./migrate.sh --dry-run') }, { assistant: 'Dry run clean.' }, { user: r7.withCommand('./migrate.sh --apply') }, { assistant: 'Applying.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, r7.forwardRule)).toBe(2);
  });

  it('the same text with its list repeated whole: a reference (its neighbours go with it)', async () => {
    const text = r7.listed(['/tmp/a.log', '/tmp/b.log']);
    const turns: Turn[] = [{ user: text }, { assistant: 'Done: 12 MB freed.' }, { user: text }, { assistant: 'Nothing left to delete.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, r7.pointingRule)).toBe(protocol === 'responses' ? 2 : 1);
  });

  it('Claude Code\'s CLAUDE.md reminder ("follow them exactly as written") does not stop drawing', async () => {
    const turns: Turn[] = [{ developer: r7.claudeMdReminder }, { user: 'Install the dependencies.' }, shell('npm ci', r7.npmGauge)];
    const { outputs } = await send(turns, new Map([[r7.npmGauge, r7.npmGaugeScreen]]));
    expect(outputs).toEqual([r7.npmGaugeScreen]);
  });

  // --- Output the model must copy exactly ------------------------------------------------------------------------------------

  it.each([
    'Paste the output of npm ci exactly as it was printed into docs/ci-log.txt.',
    'Copy that npm ci output verbatim into the bug report.',
    'Save the npm ci output byte for byte as tests/fixtures/npm-ci.txt.',
  ])('"%s": the output arrives as it came', async (ask) => {
    const { outputs } = await send([{ user: 'Install the dependencies.' }, shell('npm ci', r7.npmGauge), { user: ask }, { assistant: 'Writing it.' }]);
    expect(outputs).toEqual([r7.npmGauge]);
  });
});
