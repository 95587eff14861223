import { describe, expect, it } from 'vitest';
import { startHarness } from '../gateway/harness.js';
import { auditGateway, sendThroughGateway } from './support.js';
import { bodyFor, instructionsOf, occurrences, outputsOf, read, referenceTo, shell, type Json, type Protocol, type ToolTurn, type Turn } from './audit-bodies.js';
import { expectFaithful } from './faithful.js';
import * as r3 from './fixtures/round3-outputs.js';

/**
 * The third adversarial audit of L2.5, through a real gateway in the three caller protocols, on families
 * the first two audits did not cover: a file read again after a change a reader may not see (one byte, a
 * moved line, trailing whitespace, CRLF, tabs, a BOM, NFC/NFD, a zero-width character, shifted line
 * numbers); runs that differ only in a timestamp, counter, hash or exit code; test runs whose failures
 * differ; diffs with look-alike hunks; logs and data where repeats are counts (uniq -c, duplicate keys
 * and rows); instructions repeated with one word changed; the system prompt repeated by the user; sub-agent
 * transcripts; tool output quoting instructions; results in every content shape (parts, is_error, no
 * content); images; very long lines; binary-ish text; Codex outputs as input_text parts; cursor movement
 * that a filter or the output's own edges make unplaceable; apt's progress line.
 *
 * Every conversation is checked by one rule (expectFaithful): each tool output arrives byte for byte, or
 * as a reference to the previous call of the same tool with the same arguments, whose output was the very
 * same text (and, in Anthropic, the same error flag); every instruction line arrives at least once, and a
 * reference's quoted start names one text. Cases add what they are about.
 */

describe.each(['openai', 'anthropic', 'responses'] as const)('L2.5 audit 3, through the gateway (%s)', (protocol) => {
  const gateway = auditGateway(protocol);

  /** `drawn`: outputs that are terminal drawings, with their final screen. */
  const send = async (turns: Turn[], drawn?: ReadonlyMap<string, string>): Promise<{ outputs: string[]; texts: string[]; sent: Json }> => {
    const sent = await sendThroughGateway(gateway.harness, protocol, bodyFor(protocol, turns));
    return { outputs: expectFaithful(protocol, turns, sent, drawn), texts: instructionsOf(protocol, sent), sent };
  };

  // --- A file read again after a change a reader may not see --------------------------------------------

  it.each(Object.entries(r3.invisibleEdits))('a file read, edited (%s), read, reverted and read again: every read arrives whole', async (_edit, changed) => {
    const path = '/repo/src/config.py';
    for (const [reader, view] of [
      [(output: string) => read({ file_path: path }, output), (text: string) => r3.numbered(text)],
      [(output: string) => shell(`cat ${path}`, output), (text: string) => text],
    ] as const) {
      const turns: Turn[] = [
        { user: 'Tidy the config module.' },
        reader(view(r3.configFile)),
        { tool: { name: 'Edit', args: { file_path: path, old_string: 'x', new_string: 'y' }, output: 'The file has been updated.' } },
        reader(view(changed)),
        { tool: { name: 'Edit', args: { file_path: path, old_string: 'y', new_string: 'x' }, output: 'The file has been updated.' } },
        reader(view(r3.configFile)),
      ];
      const { outputs } = await send(turns);
      expect([outputs[0], outputs[2], outputs[4]]).toEqual([view(r3.configFile), view(changed), view(r3.configFile)]);
    }
  });

  it('a Read whose line numbers shifted after a line was inserted at the top: both reads whole; an unchanged re-read becomes a reference', async () => {
    const before = r3.numbered(r3.configFile);
    const after = r3.numbered(`# -*- coding: utf-8 -*-\n${r3.configFile}`);
    const turns: Turn[] = [{ user: 'Add an encoding line.' }, read({ file_path: '/repo/src/config.py' }, before), read({ file_path: '/repo/src/config.py' }, after), read({ file_path: '/repo/src/config.py' }, after)];
    const { outputs } = await send(turns);
    expect(outputs.slice(0, 2)).toEqual([before, after]);
    expect(outputs[2]).toMatch(referenceTo('Read', 2));
  });

  it('a script printing CRLF, then LF, then CRLF lines: every run whole', async () => {
    const runs = [r3.csvExport('\r\n'), r3.csvExport('\n'), r3.csvExport('\r\n')];
    const { outputs } = await send([{ user: 'Why does the importer choke?' }, ...runs.map((output) => shell('python export.py', output))]);
    expect(outputs).toEqual(runs);
  });

  it('a progress bar above CRLF and above LF output: drawn to the final screen, each keeping its own line endings, never "the same"', async () => {
    const runs = [r3.downloadWithBar('\r\n'), r3.downloadWithBar('\n')];
    const drawn = new Map(['\r\n', '\n'].map((eol) => [r3.downloadWithBar(eol), r3.downloadFinal(eol)]));
    const { outputs } = await send([{ user: 'Fetch the dataset twice.' }, ...runs.map((output) => shell('python fetch.py', output))], drawn);
    expect(outputs).toEqual([r3.downloadFinal('\r\n'), r3.downloadFinal('\n')]);
  });

  // --- Runs that differ in one small thing ------------------------------------------------------------

  it.each(Object.entries(r3.smallDifferences))('two runs differing only in %s: both whole', async (_what, [command, first, second]) => {
    const { outputs } = await send([{ user: 'Run it again and compare.' }, shell(command, first), shell(command, second)]);
    expect(outputs).toEqual([first, second]);
  });

  it('test runs whose failures differ (same count, other test; the first run again): every run whole until one repeats its predecessor', async () => {
    const runs = [r3.pytestRun('test_rounding'), r3.pytestRun('test_currency'), r3.pytestRun('test_rounding'), r3.pytestRun('test_rounding')];
    const { outputs } = await send([{ user: 'Make the suite green.' }, ...runs.map((output) => shell('pytest -q tests/billing', output))]);
    expect(outputs.slice(0, 3)).toEqual(runs.slice(0, 3));
    expect(outputs[3]).toMatch(referenceTo('shell', 3));
  });

  // --- Diffs, logs and data where repeats are content -----------------------------------------------------

  it('git diffs with look-alike hunks (two files with the same hunk; a second diff differing in one context line): every byte arrives', async () => {
    const turns: Turn[] = [{ user: 'Review the change.' }, shell('git diff', r3.twinHunksDiff), shell('git diff', r3.twinHunksDiffChanged)];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r3.twinHunksDiff, r3.twinHunksDiffChanged]);
  });

  it('logs where the repeats are the count (uniq -c, three identical failure lines, then four): every line arrives', async () => {
    const turns: Turn[] = [
      { user: 'How many timeouts?' },
      shell('sort errors.log | uniq -c', r3.uniqCounts(3)),
      shell('sort errors.log | uniq -c', r3.uniqCounts(4)),
      shell('grep ERROR app.log', 'ERROR payment timeout\n'.repeat(3) + '3 failures\n'),
      shell('grep ERROR app.log', 'ERROR payment timeout\n'.repeat(4) + '4 failures\n'),
    ];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r3.uniqCounts(3), r3.uniqCounts(4), 'ERROR payment timeout\n'.repeat(3) + '3 failures\n', 'ERROR payment timeout\n'.repeat(4) + '4 failures\n']);
  });

  it.each(Object.entries(r3.dataWithRepeats))('%s where duplicates matter, in two versions: both whole', async (_what, [command, first, second]) => {
    const { outputs } = await send([{ user: 'Which record is duplicated?' }, shell(command, first), shell(command, second)]);
    expect(outputs).toEqual([first, second]);
  });

  // --- Instructions repeated with one word changed ---------------------------------------------------

  it.each(Object.entries(r3.oneWordChanges))('an instruction repeated with one word changed (%s), then the first version again: each version arrives whole at least once, references name one', async (_change, [first, second]) => {
    const turns: Turn[] = [{ user: first }, { assistant: 'Understood.' }, { user: second }, { assistant: 'Understood, updated.' }, { user: first }, { assistant: 'Back to the first rule.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, second)).toBe(1);
    expect(occurrences(texts, first)).toBeGreaterThanOrEqual(1);
  });

  it('the system prompt pasted back by the user, and a developer note repeating it with "should" for "must": the note arrives whole', async () => {
    const turns: Turn[] = [{ developer: r3.policy }, { user: `Remember what you were told:\n\n${r3.policy}` }, { assistant: 'I will.' }, { developer: r3.policy.replace('must', 'should') }, { user: 'Deploy.' }];
    const { texts } = await send(turns);
    expect(occurrences(texts, r3.policy.replace('must', 'should'))).toBe(1);
    expect(occurrences(texts, r3.policy)).toBeGreaterThanOrEqual(1);
  });

  it('a rule whose repeat differs only in trailing whitespace or a final period: sent whole', async () => {
    const variants = [`${r3.policy} `, `${r3.policy}.`];
    for (const variant of variants) {
      const { texts } = await send([{ user: r3.policy }, { assistant: 'Noted.' }, { user: variant }, { assistant: 'Noted again.' }, { user: r3.policy }, { assistant: 'Yes.' }]);
      expect(occurrences(texts, variant)).toBe(1);
    }
  });

  it.each(Object.entries(r3.lookalikeStarts))('two rules whose starts differ only by %s: a repeat of either is sent whole (a quoted start would name both)', async (_what, [first, second]) => {
    const { texts } = await send([{ user: first }, { assistant: 'Noted.' }, { user: second }, { assistant: 'Noted.' }, { user: first }, { assistant: 'Yes.' }]);
    expect(occurrences(texts, first)).toBe(2);
    expect(occurrences(texts, second)).toBe(1);
  });

  // --- Sub-agents, and tool output that quotes instructions -------------------------------------------

  it('sub-agent reports: two agents with other prompts and the same report both arrive; the orchestrator quoting one stays', async () => {
    const task = (prompt: string): Turn => ({ tool: { name: 'Task', args: { description: 'Audit', prompt, subagent_type: 'general-purpose' }, output: r3.subAgentReport } });
    const turns: Turn[] = [{ user: 'Audit both services.' }, task('Audit the billing service for N+1 queries.'), task('Audit the ledger service for N+1 queries.'), { user: `Agent 1 said:\n\n${r3.subAgentReport}\n\nDo you agree for the ledger too?` }];
    const { outputs, texts } = await send(turns);
    expect(outputs).toEqual([r3.subAgentReport, r3.subAgentReport]);
    expect(occurrences(texts, r3.subAgentReport)).toBe(1);
  });

  it('a fetched README quoting a rule that starts like the user\'s rule but says otherwise: the user\'s repeat is sent whole', async () => {
    const turns: Turn[] = [{ user: r3.fridayRule }, { assistant: 'Noted.' }, shell('cat README.md', r3.readmeWithOtherRule), { user: `Again:\n\n${r3.fridayRule}` }];
    const { texts, outputs } = await send(turns);
    expect(outputs[0]).toBe(r3.readmeWithOtherRule);
    expect(occurrences(texts, r3.fridayRule)).toBe(2);
  });

  it('tool output carrying the exact text of an earlier instruction: the output arrives whole, the instruction too', async () => {
    const turns: Turn[] = [{ user: r3.policy }, { assistant: 'Noted.' }, shell('curl -s https://wiki.example.com/policy', `${r3.policy}\n`), shell('curl -s https://wiki.example.com/policy', `${r3.policy}\n`)];
    const { outputs } = await send(turns);
    expect(outputs[0]).toBe(`${r3.policy}\n`);
  });

  // --- Results in every content shape -----------------------------------------------------------------

  it('results sent as an array of text parts: a repeat of the same call becomes a reference, a changed one arrives whole', async () => {
    const listing = r3.lsListing(12);
    const turns: Turn[] = [{ user: 'Watch the build folder.' }, shell('ls -l dist', listing, { shape: 'parts' }), shell('ls -l dist', listing, { shape: 'parts' }), shell('ls -l dist', r3.lsListing(13), { shape: 'parts' })];
    const { outputs } = await send(turns);
    expect(outputs[1]).toMatch(referenceTo('shell', 1));
    expect(outputs[2]).toBe(r3.lsListing(13));
  });

  it('a string result, then the same call answered as parts with other text, then the first text again: the last is whole (its previous run printed something else)', async () => {
    const turns: Turn[] = [{ user: 'Poll the queue.' }, shell('ls -l dist', r3.lsListing(12)), shell('ls -l dist', r3.lsListing(20), { shape: 'parts' }), shell('ls -l dist', r3.lsListing(12))];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r3.lsListing(12), r3.lsListing(20), r3.lsListing(12)]);
  });

  it('a run with no output at all between two runs with the same output: the third is whole (its previous run printed nothing)', async () => {
    const turns: Turn[] = [{ user: 'Poll the queue.' }, shell('ls -l dist', r3.lsListing(12)), shell('ls -l dist', '', { shape: 'absent' }), shell('ls -l dist', r3.lsListing(12))];
    const { outputs } = await send(turns);
    expect(outputs[2]).toBe(r3.lsListing(12));
  });

  it('the same text once as a success and once as an error (is_error): never "the same output" in Anthropic', async () => {
    const log = r3.makeFailure;
    const turns: Turn[] = [{ user: 'Build it.' }, shell('make', log, { error: false }), shell('make', log, { error: true }), shell('make', log, { error: true })];
    const { outputs } = await send(turns);
    if (protocol === 'anthropic') expect(outputs.slice(0, 2)).toEqual([log, log]);
    expect(outputs[2]).toMatch(referenceTo('shell', 2));
  });

  it.runIf(protocol === 'responses')('Codex: the same output once incomplete and once completed (the item\'s status): never "the same output"', async () => {
    const listing = r3.lsListing(12);
    const body = bodyFor(protocol, [{ user: 'List it.' }, shell('ls -l dist', listing), shell('ls -l dist', listing), shell('ls -l dist', listing)]);
    const outputs = (body.input as Json[]).filter((item) => item.type === 'function_call_output');
    outputs[0]!.status = 'completed';
    outputs[1]!.status = 'incomplete';
    outputs[2]!.status = 'completed';
    const sent = await sendThroughGateway(gateway.harness, protocol, body);
    expect(outputsOf(protocol, sent)).toEqual([listing, listing, listing]);
  });

  it.each([
    ['Edit', { file_path: '/repo/tests/fixtures/progress.txt', old_string: 'done', new_string: 'finished' }, '→'],
    ['str_replace_based_edit_tool', { command: 'str_replace', path: '/repo/tests/fixtures/progress.txt', old_str: 'done', new_str: 'finished' }, '\t'],
  ])('an edit tool (%s) showing a cat -n snippet of a file that holds escape bytes: the snippet is data, byte for byte', async (name, args, separator) => {
    const snippet = `The file /repo/tests/fixtures/progress.txt has been updated. Here's the result of running \`cat -n\` on a snippet of the edited file:\n     2${separator}finished\n     3${separator}\u001b[1A\u001b[2KTests: 12 passed\n`;
    const { outputs } = await send([{ user: 'Update the fixture.' }, { tool: { name, args, output: snippet } }]);
    expect(outputs).toEqual([snippet]);
  });

  it('a client that numbers call ids per turn (call_0 every turn): a file read under an id a later command reuses stays data, byte for byte', async () => {
    const log = 'Downloading  10% 1/10\rDownloading 100% 10/10\ndone\n';
    const body = bodyFor(protocol, [{ user: 'What does the log say?' }, read({ file_path: '/repo/download.log' }, log), shell('make', 'ok\n')]);
    // Both calls and results carry the same id.
    const sameId = JSON.parse(JSON.stringify(body).replaceAll('call_2', 'call_1').replaceAll('toolu_2', 'toolu_1')) as Json;
    const sent = await sendThroughGateway(gateway.harness, protocol, sameId);
    expect(outputsOf(protocol, sent)).toEqual([log, 'ok\n']);
  });

  it('a result with a screenshot, and the same text and the same screenshot again: the image stays, the text is never replaced next to it', async () => {
    const image = r3.png(3);
    const turns: Turn[] = [{ user: 'Screenshot twice.' }, { tool: { name: 'screenshot', args: { url: 'http://localhost:3000' }, output: 'Saved /tmp/shot.png\n'.repeat(6), image } }, { tool: { name: 'screenshot', args: { url: 'http://localhost:3000' }, output: 'Saved /tmp/shot.png\n'.repeat(6), image } }];
    const { outputs, sent } = await send(turns);
    if (protocol !== 'openai') expect(outputs).toEqual(['Saved /tmp/shot.png\n'.repeat(6), 'Saved /tmp/shot.png\n'.repeat(6)]);
    expect(JSON.stringify(sent).split(image).length - 1).toBe(2);
  });

  it('the same output from another tool, the same command in another workdir, or arguments in another order: never a reference', async () => {
    const listing = r3.lsListing(9);
    const turns: Turn[] = [
      { user: 'List it every way.' },
      { tool: { name: 'exec', args: { command: 'ls -l dist' }, output: listing } },
      { tool: { name: 'bash', args: { command: 'ls -l dist' }, output: listing } },
      { tool: { name: 'shell', args: { command: ['bash', '-lc', 'ls -l dist'], workdir: '/repo', timeout_ms: 10000 }, output: listing } },
      { tool: { name: 'shell', args: { command: ['bash', '-lc', 'ls -l dist'], workdir: '/repo/packages/web', timeout_ms: 10000 }, output: listing } },
      { tool: { name: 'exec', args: { timeout: 30, command: 'ls -l dist' }, output: listing } },
    ];
    const { outputs } = await send(turns);
    expect(outputs).toEqual(Array(5).fill(listing));
  });

  // --- Size and bytes -------------------------------------------------------------------------------------

  it('a 200 KB line that differs in its middle, and base64 blobs with two lines swapped in the middle: all whole', async () => {
    const blob = r3.base64(5, 8000);
    const turns: Turn[] = [{ user: 'Compare the dumps.' }, shell('redis-cli GET session', r3.longLine('A')), shell('redis-cli GET session', r3.longLine('B')), shell('base64 model.bin', blob), shell('base64 model.bin', r3.swapLines(blob, 50))];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r3.longLine('A'), r3.longLine('B'), blob, r3.swapLines(blob, 50)]);
  });

  it.each(Object.entries(r3.binaryish))('binary-ish output (%s) in two versions: both whole, byte for byte', async (_what, [first, second]) => {
    const { outputs } = await send([{ user: 'What is in the file?' }, shell('strings -a core.dump | head -c 400', first), shell('strings -a core.dump | head -c 400', second)]);
    expect(outputs).toEqual([first, second]);
  });

  // --- Codex -----------------------------------------------------------------------------------------------

  it('Codex: a failing apply_patch, the same patch succeeding, the test run before and after: every output whole', async () => {
    const patch = '*** Begin Patch\n*** Update File: src/rate.py\n@@\n-    return round(x, 2)\n+    return round(x, 4)\n*** End Patch\n';
    const turns: Turn[] = [
      { user: 'Fix the rounding.' },
      shell('pytest -q', r3.codexExec(1, r3.pytestRun('test_rounding'))),
      { patch: { input: patch, output: 'error: patch did not apply: src/rate.py: line 12 does not match' } },
      { patch: { input: patch, output: 'Success. Updated the following files:\nM src/rate.py\n' } },
      shell('pytest -q', r3.codexExec(0, r3.pytestRun(undefined))),
    ];
    const { outputs } = await send(turns);
    expect(outputs).toEqual([r3.codexExec(1, r3.pytestRun('test_rounding')), 'error: patch did not apply: src/rate.py: line 12 does not match', 'Success. Updated the following files:\nM src/rate.py\n', r3.codexExec(0, r3.pytestRun(undefined))]);
  });

  it('Codex: the same output under exit code 0 and exit code 1: both whole', async () => {
    const { outputs } = await send([{ user: 'Run the linter.' }, shell('npm run lint', r3.codexExec(0, 'lint: 0 problems\n')), shell('npm run lint', r3.codexExec(1, 'lint: 0 problems\n'))]);
    expect(outputs).toEqual([r3.codexExec(0, 'lint: 0 problems\n'), r3.codexExec(1, 'lint: 0 problems\n')]);
  });

  // --- Cursor movement and progress lines ------------------------------------------------------------------

  it.each(Object.entries(r3.unplaceableMoves))('cursor movement a terminal could not place here (%s): forwarded byte for byte', async (_what, [command, output]) => {
    const { outputs } = await send([{ user: 'What did the build say?' }, shell(command, output)]);
    expect(outputs).toEqual([output]);
  });

  it('cursor movement within the output of a direct run (a multi-line status redrawn in place): drawn to its final screen', async () => {
    const { outputs } = await send([{ user: 'Install.' }, shell('docker compose pull', r3.composePull)], new Map([[r3.composePull, r3.composePullFinal]]));
    expect(outputs).toEqual([r3.composePullFinal]);
  });

  it('a progress line redrawn over a BOM, a direction mark or an emoji sequence (widths terminals disagree on): forwarded byte for byte', async () => {
    const outputs = ['\uFEFFDownloading 100% 10/10\rDownloading   5%  1/10\n', 'Uploading \u200F 90% 9/10\rUploading 5% 1/10\n', '✔\uFE0F build 1/10\u001b[10G2/10\n', '👩\u200D💻 build 1/10\u001b[12G2/10\n'];
    const { outputs: sent } = await send([{ user: 'How far did it get?' }, ...outputs.map((output) => shell('python fetch.py', output))]);
    expect(sent).toEqual(outputs);
  });

  it('apt-get progress lines erased with spaces: drawn to their final screen, every permanent line kept', async () => {
    const { outputs } = await send([{ user: 'Install curl.' }, shell('apt-get install -y curl', r3.aptInstall)], new Map([[r3.aptInstall, r3.aptInstallFinal]]));
    expect(outputs).toEqual([r3.aptInstallFinal]);
  });
});

/**
 * Long texts (over the 4 KB above which a text stands in a fingerprint by its digest) that differ only in
 * lone surrogates: a digest of their UTF-8 bytes turned every lone surrogate into U+FFFD, so L2.5 served
 * the first request's trimmed message for the second, and L1a (for a body it keys by fingerprint) answered
 * the second from the first's answer.
 */
describe.each(['openai', 'anthropic'] as const)('L2.5 audit 3: long texts that differ only in lone surrogates (%s)', (protocol) => {
  const long = (surrogate: string): string => `Downloading  10% 1/10\rDownloading 100% 10/10\n${'frame 0x00ff '.repeat(400)}${surrogate}\n`;
  const body = (surrogate: string): Json => bodyFor(protocol, [{ user: 'What is in the dump?' }, shell('python dump.py', long(surrogate))]);

  it('L2.5: each request gets its own text, never the trimmed copy of the other', async () => {
    const harness = await startHarness({ provider: protocol === 'anthropic' ? 'anthropic' : 'openai-compatible', exactCache: { enabled: false }, trimming: { minSavedTokensPerMessage: 0 } });
    try {
      for (const surrogate of ['\uD800', '\uDBFE']) {
        const outputs = outputsOf(protocol, await sendThroughGateway(harness, protocol, body(surrogate)));
        expect(outputs[0]).toBe(long(surrogate).slice('Downloading  10% 1/10\r'.length));
      }
    } finally {
      await harness.close();
    }
  });

  // L1a keys a body with a volatile span (Claude Code's session id) by its fingerprint.
  it.runIf(protocol === 'anthropic')('L1a (a Claude Code body, keyed with its session id masked): the second request is not answered from the first one\'s answer', async () => {
    const harness = await startHarness({ provider: 'anthropic' });
    const userId = JSON.stringify({ device_id: 'd'.repeat(64), account_uuid: '', session_id: '3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c' });
    try {
      for (const surrogate of ['\uD800', '\uDBFE', '\uD800']) {
        const response = await harness.messages({ ...body(surrogate), metadata: { user_id: userId } });
        expect(response.status).toBe(200);
        await response.text();
      }
      // The third request repeats the first: that one is a hit.
      expect(harness.fake.requests).toHaveLength(2);
    } finally {
      await harness.close();
    }
  });
});
