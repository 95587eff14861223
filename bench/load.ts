// Load generation (autocannon, bounded by duration) and single requests for checks and sampling.
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  /** Called once per request; returns that request's body. */
  body: () => Buffer;
  connections: number;
  durationSec: number;
}

export interface LoadResult {
  durationSec: number;
  completed: number;
  ok: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Socket errors and timeouts. */
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  bytesPerSec: number;
}

/** One autocannon run; `requests` with setupRequest builds a fresh body for every request. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 10,
    pipelining: 1,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        setupRequest: (req) => ({ ...req, body: spec.body() }),
      },
    ],
  });
  const completed = result.requests.total;
  return {
    durationSec: result.duration,
    completed,
    ok: result['2xx'],
    rps: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count])),
    bytesPerSec: result.throughput.total / result.duration,
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** One request over `agent` (keep-alive), with a hard 10 s timeout. */
export function send(url: string, path: string, method: string, headers: Record<string, string>, body: Buffer, agent: Agent): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const startedAt = performance.now();
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        headers: { ...headers, 'content-length': String(body.length) },
        agent,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - startedAt }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}${path} timed out after 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export const keepAliveAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * Checks a streamed chat completion: 200, an SSE content type, content deltas that add up to
 * `expectedText`, a usage chunk, and `data: [DONE]` at the end. Returns the problems found.
 */
export function checkStream(reply: Reply, expectedText: string): string[] {
  const problems: string[] = [];
  if (reply.status !== 200) return [`status ${reply.status}: ${reply.body.slice(0, 300)}`];
  const contentType = String(reply.headers['content-type'] ?? '');
  if (!contentType.includes('text/event-stream')) problems.push(`content-type is "${contentType}", not text/event-stream`);
  if (!reply.body.trimEnd().endsWith('data: [DONE]')) problems.push(`stream does not end with "data: [DONE]" (ends ${JSON.stringify(reply.body.slice(-60))})`);
  let text = '';
  let sawUsage = false;
  for (const line of reply.body.split('\n')) {
    if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
    try {
      const chunk = JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string | null } }>; usage?: unknown };
      for (const choice of chunk.choices ?? []) text += choice.delta?.content ?? '';
      if (chunk.usage) sawUsage = true;
    } catch {
      problems.push(`an SSE event is not JSON: ${line.slice(0, 120)}`);
      break;
    }
  }
  if (text !== expectedText) problems.push(`streamed text is ${JSON.stringify(text.slice(0, 120))}, expected ${JSON.stringify(expectedText.slice(0, 120))}`);
  if (!sawUsage) problems.push('no usage chunk although stream_options.include_usage is set');
  return problems;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
