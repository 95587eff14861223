// Replays repeated OpenClaw sessions through a real gateway (L1a, L1b, L2.5 on) in front of the fake
// upstream, and reports which layer answered each request. Requests are built from the real capture:
// the same system prompt, tools and internal-context block, with each session's own timestamp and id.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGateway, startGateway } from '../../source/gateway/server.js';
import { buildRoutingTable } from '../../source/routing/routing-table.js';
import { configDefaults } from '../../source/store/config.js';
import { startFakeUpstream } from '../../tests/support/fake-upstream.js';

interface Step {
  session: string;
  minute: string;
  question: string;
  /** What a correct gateway does: which layers may answer. */
  expect: 'upstream' | 'cache';
  why: string;
  /** Earlier turns of this session, for a later turn. */
  history?: Array<{ question: string; minute: string }>;
}

export interface ReplayRow extends Step {
  layer: string;
  similarity: string;
  ok: boolean;
}

const steps: Step[] = [
  { session: 'A', minute: '19:08', question: 'What is a monad in functional programming?', expect: 'upstream', why: 'first time asked' },
  { session: 'B', minute: '19:31', question: 'What is a monad in functional programming?', expect: 'cache', why: 'same question, new session' },
  { session: 'C', minute: '19:47', question: "what's a monad in functional programming", expect: 'cache', why: 'same question, other case, contraction' },
  { session: 'D', minute: '20:02', question: 'Hi, what is a monad in functional programming? Thanks!', expect: 'cache', why: 'same question, greeting and thanks' },
  { session: 'D', minute: '20:03', question: 'In functional programming, what is a monad?', expect: 'upstream', why: 'other word order: not a documented rewrite' },
  { session: 'E', minute: '20:15', question: 'What is the capital of France?', expect: 'upstream', why: 'new question' },
  { session: 'F', minute: '20:16', question: 'What is the capital of Germany?', expect: 'upstream', why: 'near-miss: other entity' },
  { session: 'G', minute: '20:30', question: 'Convert 5 km to miles', expect: 'upstream', why: 'new question' },
  { session: 'H', minute: '20:31', question: 'Convert 5 miles to km', expect: 'upstream', why: 'near-miss: direction' },
  { session: 'I', minute: '20:32', question: 'Convert 50 km to miles', expect: 'upstream', why: 'near-miss: number' },
  { session: 'J', minute: '20:40', question: 'Is it safe to delete node_modules?', expect: 'upstream', why: 'new question' },
  { session: 'K', minute: '20:41', question: 'Is it not safe to delete node_modules?', expect: 'upstream', why: 'near-miss: negation' },
  { session: 'L', minute: '20:50', question: 'What time is it now?', expect: 'upstream', why: 'time-sensitive' },
  { session: 'M', minute: '20:51', question: 'What time is it now?', expect: 'upstream', why: 'time-sensitive, asked again' },
  { session: 'N', minute: '21:00', question: 'Sort the list in descending order', expect: 'upstream', why: 'new question' },
  { session: 'O', minute: '21:01', question: 'Sort the list in ascending order', expect: 'upstream', why: 'near-miss: direction' },
  { session: 'A', minute: '21:05', question: 'And how does it differ from a functor?', expect: 'upstream', why: 'other question, same session', history: [{ question: 'What is a monad in functional programming?', minute: '19:08' }] },
  { session: 'P', minute: '21:10', question: 'What is a monad in functional programming?', expect: 'cache', why: 'same question, yet another session' },
  { session: 'P', minute: '21:12', question: 'And how does it differ from a functor?', expect: 'cache', why: 'same 2-turn conversation as A', history: [{ question: 'What is a monad in functional programming?', minute: '21:10' }] },
];

/** Session ids are random per run, as OpenClaw's are. */
const sessionIds = new Map<string, string>();
const sessionId = (name: string): string => sessionIds.get(name) ?? (sessionIds.set(name, randomUUID()), sessionIds.get(name)!);

function buildBody(capture: { body: Record<string, unknown> }, step: Step, answers: Map<string, string>): Record<string, unknown> {
  const messages = capture.body.messages as Array<{ role: string; content: string }>;
  const system = messages[0]!;
  const internal = messages.at(-1)!;
  const id = sessionId(step.session);
  const userTurn = (question: string, minute: string, first: boolean) => ({
    role: 'user',
    content: `[Sat 2026-11-21 ${minute} UTC] ${question}${first ? `\n\nRuntime: agent=main | session=agent:main:main | sessionId=${id} | host=vm | os=Linux | node=v24.21.0 | model=isartor/fake-model | shell=bash` : ''}`,
  });
  const turns: unknown[] = [];
  (step.history ?? []).forEach((turn, i) => turns.push(userTurn(turn.question, turn.minute, i === 0), { role: 'assistant', content: answers.get(turn.question) ?? '' }));
  turns.push(userTurn(step.question, step.minute, turns.length === 0));
  return { ...capture.body, messages: [system, ...turns, internal] };
}

export async function replayOpenClawSessions(capturesDir: string): Promise<ReplayRow[] | undefined> {
  const file = join(capturesDir, 'openai-completions-agent-turn.json');
  if (!existsSync(file)) return undefined;
  const capture = JSON.parse(readFileSync(file, 'utf8')) as { body: Record<string, unknown> };
  const fake = await startFakeUpstream();
  const routing = buildRoutingTable({
    ...configDefaults,
    provider: 'openai-compatible',
    providers: { 'openai-compatible': { baseUrl: fake.openaiBaseUrl, model: 'fake-model' } },
  });
  const gateway = await createGateway({
    routing,
    bodyLimitBytes: configDefaults.gateway.bodyLimitBytes,
    exactCache: configDefaults.cache.exact,
    nearDuplicateCache: configDefaults.cache.nearDuplicate,
    trimming: configDefaults.trimming,
  });
  const running = await startGateway(gateway, { host: '127.0.0.1', port: 0 });
  const answers = new Map<string, string>();
  const rows: ReplayRow[] = [];
  try {
    for (const step of steps) {
      const body = { ...buildBody(capture, step, answers), stream: false };
      const response = await fetch(`${running.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await response.json()) as { choices?: Array<{ message: { content: string } }> };
      if (!answers.has(step.question)) answers.set(step.question, answer.choices?.[0]?.message.content ?? '');
      const layer = response.headers.get('x-isartor-layer') ?? '?';
      const cached = layer === 'l1a' || layer === 'l1b';
      rows.push({ ...step, layer, similarity: response.headers.get('x-isartor-similarity') ?? '', ok: step.expect === 'cache' ? cached : !cached });
    }
  } finally {
    await running.stop(1000);
    await fake.close();
  }
  return rows;
}

export function replayTable(rows: ReplayRow[]): string {
  const lines = ['| # | session | question | expected | answered by | similarity | ok |', '| ---: | --- | --- | --- | --- | ---: | --- |'];
  rows.forEach((row, i) => lines.push(`| ${i + 1} | ${row.session} | ${row.question} (${row.why}) | ${row.expect} | ${row.layer} | ${row.similarity} | ${row.ok ? 'yes' : '**NO**'} |`));
  const byLayer = new Map<string, number>();
  for (const row of rows) byLayer.set(row.layer, (byLayer.get(row.layer) ?? 0) + 1);
  const summary = [...byLayer].map(([layer, count]) => `${layer} ${count}/${rows.length} (${((100 * count) / rows.length).toFixed(0)} %)`).join(', ');
  return `${lines.join('\n')}\n\nAnswered by layer: ${summary}. Correct: ${rows.filter((r) => r.ok).length}/${rows.length}.`;
}
