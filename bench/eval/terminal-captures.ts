// Tokens before and after L2.5 on the recorded terminal output (tests/fixtures/terminal), each capture as
// the tool result of a one-turn agent request, with the gateway's defaults. "final screen" is what a
// terminal shows once the command has finished, as plain text (the renderer's output without colour):
// the most any lossless trimming could reach.
import { countTextTokensSync } from '../../source/stats/count-tokens.js';
import { stripSgr } from '../../source/trimming/sgr.js';
import { TerminalRender } from '../../source/trimming/terminal-screen.js';
import { clearTrimMemo, trimRequestBody } from '../../source/trimming/trim-request.js';
import { loadTerminalCaptures, requestWithOutput } from '../../tests/trimming/fixtures/terminal-captures.js';

export interface CaptureRow {
  name: string;
  ttyBefore: number;
  ttyAfter: number;
  finalScreen: number;
  pipedBefore: number;
  pipedAfter: number;
}

async function tokensAfterTrim(output: string, minSavedTokens: number): Promise<number> {
  clearTrimMemo();
  const result = await trimRequestBody(requestWithOutput(output, 'openai'), 'openai', { minSavedTokens });
  const sent = (result.body.messages as Array<{ content: string }>)[2]!.content;
  return countTextTokensSync(sent);
}

export async function measureTerminalCaptures(minSavedTokens: number): Promise<CaptureRow[]> {
  const rows: CaptureRow[] = [];
  for (const capture of loadTerminalCaptures()) {
    rows.push({
      name: capture.name,
      ttyBefore: countTextTokensSync(capture.tty),
      ttyAfter: await tokensAfterTrim(capture.tty, minSavedTokens),
      finalScreen: countTextTokensSync(stripSgr(new TerminalRender(capture.tty).result())),
      pipedBefore: countTextTokensSync(capture.piped),
      pipedAfter: await tokensAfterTrim(capture.piped, minSavedTokens),
    });
  }
  return rows;
}

const saved = (before: number, after: number): string => `${((100 * (before - after)) / Math.max(1, before)).toFixed(1)} %`;

export function captureTable(rows: readonly CaptureRow[]): string {
  return [
    '| command | TTY tokens | after L2.5 | saved | final screen (plain) | piped tokens | after L2.5 | change |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.ttyBefore} | ${row.ttyAfter} | ${saved(row.ttyBefore, row.ttyAfter)} | ${row.finalScreen} (${saved(row.ttyBefore, row.finalScreen)}) | ${row.pipedBefore} | ${row.pipedAfter} | ${saved(row.pipedBefore, row.pipedAfter)} |`,
    ),
  ].join('\n');
}
