import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clearTrimMemo, prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { auditGateway, sendThroughGateway } from './support.js';
import { bodyFor, instructionsOf, occurrences, outputsOf, referenceTo, shell, type Json, type Protocol, type Turn } from './audit-bodies.js';
import { expectFaithful } from './faithful.js';
import * as r4 from './fixtures/round4-outputs.js';

/**
 * The fourth adversarial audit of L2.5, through a real gateway in the three caller protocols, on families
 * the first three did not cover: terminal bytes that are not a drawing (grep's colour end after a CRLF
 * line's `\r`, PowerShell's bare `\r`, OSC 8 hyperlinks); widths terminals disagree on (East Asian
 * ambiguous bars that shrink, CJK, pictographs); outputs that repeat the one before but for one line
 * (git status, ls -l, a flipped test); repeats that are the content (identical JSON records, YAML steps,
 * CSV rows, retried errors, twin diff hunks, code duplicated on purpose); minified and base64 builds;
 * instructions differing in one number or a negation, a system prompt in another order, a system message
 * among the messages (Claude Code's environment); the same text as a plan, a tool output and a request;
 * results the client cleared or truncated; and the bytes at a moving cache_control breakpoint.
 *
 * Every conversation is checked by expectFaithful (faithful.ts); cases add what they are about.
 */

describe.each(['openai', 'anthropic', 'responses'] as const)('L2.5 audit 4, through the gateway (%s)', (protocol) => {
  const gateway = auditGateway(protocol);

  const send = async (turns: Turn[], drawn?: ReadonlyMap<string, string>): Promise<{ outputs: string[]; texts: string[]; sent: Json }> => {
    const sent = await sendThroughGateway(gateway.harness, protocol, bodyFor(protocol, turns));
    return { outputs: expectFaithful(protocol, turns, sent, drawn), texts: instructionsOf(protocol, sent), sent };
  };

  // --- Terminal bytes that are not a drawing -------------------------------------------------------------

  it('grep --color on a CRLF file, a match running to the end of its line: every matched line arrives (a terminal would blank it)', async () => {
    const { outputs } = await send([{ user: 'Which credentials are in the config?' }, shell('grep -n --color=always -E "password|user" config.ini', r4.grepCrlf)]);
    expect(outputs).toEqual([r4.grepCrlf]);
  });

  it('PowerShell output whose last line ends in a bare \\r, OSC 8 hyperlinks, a progress line under a window title (shown in the title bar): byte for byte', async () => {
    const turns: Turn[] = [{ user: 'List the logs.' }, shell('pwsh -c "Get-ChildItem *.log"', r4.powershellDir), shell('ls --hyperlink=always --color=always', r4.hyperlinkedListing), shell('npm install', r4.titledProgress)];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r4.powershellDir, r4.hyperlinkedListing, r4.titledProgress]);
  });

  it('the same progress line with a title reset (empty) or a working-directory report (OSC 7): drawn to its final screen', async () => {
    const quiet = r4.titledProgress.replace('\u001b]0;npm install\u0007', '\u001b]0;\u0007\u001b]7;file://host/repo\u0007');
    const { outputs } = await send([{ user: 'Install.' }, shell('npm install', quiet)], new Map([[quiet, r4.titledProgressFinal]]));
    expect(outputs).toEqual([r4.titledProgressFinal]);
  });

  // --- Widths terminals disagree on ------------------------------------------------------------------------

  it('a shrinking bar of East Asian ambiguous glyphs (the tail a shorter frame leaves depends on the locale): byte for byte', async () => {
    const { outputs } = await send([{ user: 'Is the queue drained?' }, shell('./queue-monitor --once', r4.shrinkingAmbiguousBar)]);
    expect(outputs).toEqual([r4.shrinkingAmbiguousBar]);
  });

  it('bars whose frames cover each other under any width (tqdm, CJK text, a compose spinner ending in ✔ with erased lines): drawn to their final screen', async () => {
    const drawn = new Map([
      [r4.coveringAmbiguousBar, r4.coveringAmbiguousBarFinal],
      [r4.cjkProgress, r4.cjkProgressFinal],
      [r4.composeUp, r4.composeUpFinal],
    ]);
    const turns: Turn[] = [{ user: 'Train, download, start.' }, shell('python train.py', r4.coveringAmbiguousBar), shell('./fetch-cn.sh', r4.cjkProgress), shell('docker compose up -d', r4.composeUp)];
    const { outputs } = await send(turns, drawn);
    expect(outputs).toEqual([...drawn.values()]);
  });

  // --- Outputs that repeat the one before but for one line ---------------------------------------------------

  it.each(Object.entries(r4.oneLineChanged))('%s: both runs whole; the second again becomes a reference to it', async (_what, [command, first, second]) => {
    const { outputs } = await send([{ user: 'Check again.' }, shell(command, first), shell(command, second), shell(command, second)]);
    expect(outputs.slice(0, 2)).toEqual([first, second]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  it('a CJK table with one cell changed: both whole; an identical rerun is a reference', async () => {
    const [ok, down] = [r4.cjkTable('正常'), r4.cjkTable('故障')];
    const { outputs } = await send([{ user: '服务状态?' }, shell('./status --table', ok), shell('./status --table', down), shell('./status --table', down)]);
    expect(outputs.slice(0, 2)).toEqual([ok, down]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  // --- Repeats that are the content ------------------------------------------------------------------------

  it('identical JSON records, YAML steps and CSV rows, twice and five times: every copy arrives with its count', async () => {
    const pairs: Array<[string, string, string]> = [
      ['curl -s localhost:8080/webhooks/deliveries', r4.identicalRecords(2), r4.identicalRecords(5)],
      ['cat-ci-config', r4.yamlSteps(2), r4.yamlSteps(5)],
      ['./export --csv', r4.csvRows(2), r4.csvRows(5)],
    ];
    const { outputs } = await send([{ user: 'How many duplicates?' }, ...pairs.flatMap(([command, two, five]) => [shell(command, two), shell(command, five)])]);
    expect(outputs).toEqual(pairs.flatMap(([, two, five]) => [two, five]));
  });

  it('a retried error logged three times, then five: both whole, every line', async () => {
    const { outputs } = await send([{ user: 'How often did it retry?' }, shell('tail -n 20 /var/log/worker.log', r4.retriedError(3)), shell('./worker --once 2>&1', r4.retriedError(5))]);
    expect(outputs).toEqual([r4.retriedError(3), r4.retriedError(5)]);
  });

  it('a diff whose hunks are identical (two, then three): both whole; the same diff again is a reference', async () => {
    const { outputs } = await send([{ user: 'Review.' }, shell('git diff', r4.twinHunks(false)), shell('git diff', r4.twinHunks(true)), shell('git diff', r4.twinHunks(true))]);
    expect(outputs.slice(0, 2)).toEqual([r4.twinHunks(false), r4.twinHunks(true)]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  it('code with a block duplicated on purpose, pasted twice (the second time one copy changed): every line arrives, references name one text', async () => {
    const { texts } = await send([{ user: r4.twinHandlers(50) }, { assistant: 'Both handlers are identical.' }, { user: r4.twinHandlers(80) }, { assistant: 'Now the second allows 80.' }]);
    expect(occurrences(texts, "if (body.items.length > 80) throw new Error('too many items in one request, split it up');")).toBe(1);
  });

  it('minified builds and their base64 that differ in one character: every one whole', async () => {
    const [a, b] = r4.minified;
    const turns: Turn[] = [{ user: 'Did the debug flag change?' }, shell('cat dist/app.min.js', a), shell('npx esbuild src/app.ts --minify', b), shell('base64 -w0 dist/app.min.js', r4.base64Of(a)), shell('base64 -w0 dist/app.min.js', r4.base64Of(b))];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([a, b, r4.base64Of(a), r4.base64Of(b)]);
  });

  // --- Instructions --------------------------------------------------------------------------------------

  it('a budget reminder counting down (12, 11, 11): 12 and 11 each arrive whole at least once', async () => {
    const turns: Turn[] = [{ user: 'Fix the build.' }, { developer: r4.budgetReminder(12) }, shell('npm run build', 'error TS2304\n'), { developer: r4.budgetReminder(11) }, shell('npm run build', 'ok\n'), { developer: r4.budgetReminder(11) }];
    const { texts } = await send(turns);
    expect(occurrences(texts, r4.budgetReminder(12))).toBe(1);
    expect(occurrences(texts, r4.budgetReminder(11))).toBeGreaterThanOrEqual(1);
  });

  it('a rule repeated with its negation dropped, then as first said: the other version arrives whole, once', async () => {
    const turns: Turn[] = [{ user: r4.pushRule(true) }, { assistant: 'I will not push.' }, { user: r4.pushRule(false) }, { assistant: 'I will push.' }, { user: r4.pushRule(true) }, { assistant: 'Back to not pushing.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, r4.pushRule(false))).toBe(1);
    expect(occurrences(texts, r4.pushRule(true))).toBeGreaterThanOrEqual(1);
  });

  it('a system prompt sent again with its paragraphs in another order: every line arrives, references name one text', async () => {
    await send([{ developer: r4.systemPrompt }, { user: 'Ship 4.2.' }, { assistant: 'Shipping.' }, { developer: r4.systemPromptReordered }, { user: 'And the changelog?' }]);
  });

  it('a system message among the messages (Claude Code\'s environment) with a paragraph that starts like the user\'s rule: the repeat arrives whole', async () => {
    const turns: Turn[] = [{ user: r4.commitRule('update') }, { assistant: 'Understood.' }, { system: `# Environment\nPrimary working directory: /repo\n\n${r4.commitRule('never touch')}` }, { user: r4.commitRule('update') }, { assistant: 'Understood again.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, r4.commitRule('update'))).toBe(2);
  });

  it('the same paragraph as the agent\'s plan, in a tool output and as the user\'s request: every line arrives, no reference the tool output could answer', async () => {
    const plan = r4.commitRule('update');
    const turns: Turn[] = [{ user: 'What is the policy?' }, { assistant: plan }, shell('cat CONTRIBUTING.md', `# Contributing\n\n${r4.commitRule('extend')}\n`), { user: plan }, { assistant: 'Following it.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, plan)).toBe(2);
  });

  // --- Results the client cleared or truncated --------------------------------------------------------------

  it('a result the client cleared (Claude Code context editing), then the same command printing the old output: whole; its repeat a reference', async () => {
    const { outputs } = await send([{ user: 'Run the tests.' }, shell('npm test', r4.clearedResult), shell('npm test', r4.fullRun), shell('npm test', r4.fullRun)]);
    expect(outputs.slice(0, 2)).toEqual([r4.clearedResult, r4.fullRun]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  it('an output the client truncated in its history (Codex), then the full run: whole; its repeat a reference', async () => {
    const { outputs } = await send([{ user: 'Run the unit tests.' }, shell('python -m unittest', r4.truncatedRun), shell('python -m unittest', r4.fullRun), shell('python -m unittest', r4.fullRun)]);
    expect(outputs.slice(0, 2)).toEqual([r4.truncatedRun, r4.fullRun]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  // --- Prompt caching ---------------------------------------------------------------------------------------

  it('the turn that ends in a tool result (Claude Code\'s moving cache_control breakpoint on it): the next turn sends its bytes again', async () => {
    const turns: Turn[] = [{ user: 'Install and test.' }, shell('npm install', r4.cjkProgress), shell('npm test', r4.coveringAmbiguousBar)];
    const endingInResult = (all: Turn[]): Json => {
      const body = bodyFor(protocol, all);
      if (protocol === 'responses') return { ...body, input: (body.input as Json[]).slice(0, -1) };
      const messages = (body.messages as Json[]).slice(0, protocol === 'anthropic' ? -2 : -1);
      if (protocol === 'anthropic') {
        const last = messages.at(-1)!;
        const blocks = last.content as Json[];
        messages[messages.length - 1] = { ...last, content: [...blocks.slice(0, -1), { ...blocks.at(-1), cache_control: { type: 'ephemeral' } }] };
      }
      return { ...body, messages };
    };
    const now = await sendThroughGateway(gateway.harness, protocol, endingInResult(turns));
    const next = await sendThroughGateway(gateway.harness, protocol, endingInResult([...turns, shell('npm run lint', 'lint: 0 problems\n')]));
    const items = (body: Json): Json[] => (protocol === 'responses' ? (body.input as Json[]) : (body.messages as Json[]));
    // The breakpoint moves on (a marker is not part of the cached prefix); every byte before it stays.
    const withoutMarkers = (value: unknown): string => JSON.stringify(value, (key, field: unknown) => (key === 'cache_control' ? undefined : field));
    const sentNow = items(now);
    expect(withoutMarkers(items(next).slice(0, sentNow.length))).toBe(withoutMarkers(sentNow));
    // And the drawing was trimmed in both.
    expect(outputsOf(protocol, now)).toContain(r4.coveringAmbiguousBarFinal);
  });
});

describe('L2.5 audit 4: a Responses request continuing with previous_response_id (the calls are not in it)', () => {
  const gateway = auditGateway('responses');

  it('an output whose call is not in the request (it could be `cat build.log`) arrives byte for byte, progress frames and all', async () => {
    const body = { model: 'fake-model', previous_response_id: 'resp_1', input: [{ type: 'function_call_output', call_id: 'call_9', output: r4.savedBuildLog }], store: true };
    // The fake provider keeps no responses either (it answers 404); what matters is what it received.
    const response = await fetch(`${gateway.harness.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await response.text();
    const sent = gateway.harness.fake.requests.at(-1)!.body as Json;
    expect(sent.previous_response_id).toBe('resp_1');
    expect((sent.input as Json[])[0]!.output).toBe(r4.savedBuildLog);
  });
});

describe('L2.5 audit 4: Claude Code\'s Bash description is a label, not a command', () => {
  beforeAll(async () => {
    await prepareTrimmer();
  });

  const capture = JSON.parse(readFileSync(new URL('../support/captures/claude-code-2.1.332-session.json', import.meta.url), 'utf8')) as { sessionA: Array<{ body: { tools: Json[] } }> };
  const bash = capture.sessionA[0]!.body.tools.find((tool) => tool.name === 'Bash')!;

  const resultFor = async (protocol: Protocol & ('openai' | 'anthropic'), input: Json): Promise<unknown> => {
    clearTrimMemo();
    const body: Json =
      protocol === 'anthropic'
        ? {
            model: 'claude-x',
            max_tokens: 64,
            tools: [bash],
            messages: [
              { role: 'user', content: 'Start the stack.' },
              { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Bash', input }] },
              { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: r4.composeUp }] },
              { role: 'assistant', content: 'Started.' },
              { role: 'user', content: 'Good.' },
            ],
          }
        : {
            model: 'gpt-x',
            tools: [{ type: 'function', function: { name: 'Bash', description: bash.description, parameters: bash.input_schema } }],
            messages: [
              { role: 'user', content: 'Start the stack.' },
              { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'Bash', arguments: JSON.stringify(input) } }] },
              { role: 'tool', tool_call_id: 'call_1', content: r4.composeUp },
              { role: 'user', content: 'Good.' },
            ],
          };
    const messages = (await trimRequestBody(body, protocol, { minSavedTokens: 0 })).body.messages as Json[];
    return protocol === 'anthropic' ? ((messages[2]!.content as Json[])[0]!.content as unknown) : messages[2]!.content;
  };

  it.each(['openai', 'anthropic'] as const)('%s: a description that says "sort" or "head" leaves a drawing drawn; a command piped through sort leaves it as it came', async (protocol) => {
    expect(await resultFor(protocol, { command: 'docker compose up -d', description: 'Start the stack and sort out what failed' })).toBe(r4.composeUpFinal);
    expect(await resultFor(protocol, { command: 'docker compose up -d', description: 'Start the stack, show the head of the log' })).toBe(r4.composeUpFinal);
    expect(await resultFor(protocol, { command: 'docker compose up -d 2>&1 | sort', description: 'Start the stack' })).toBe(r4.composeUp);
  });
});
