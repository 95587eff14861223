import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serveGateway, type ServedGateway } from '../daemon/serve-gateway.js';
import { builtinPrices } from '../stats/builtin-prices.js';
import type { StatsReport } from '../stats/stats-report.js';
import { ConfigStore } from '../store/config.js';
import { simulatedModel, startSimulatedProvider } from './simulated-provider.js';
import { agentWorkload, faqWorkload, type DemoRequest } from './workload.js';

export interface DemoStep extends Omit<DemoRequest, 'body'> {
  layer: string;
  cache: string;
  status: number;
  totalMs: number;
  overheadMs: number;
  /** Tokens L2.5 trimmed from this request before sending it. */
  trimmedTokens: number;
  answer: string;
}

export interface DemoSession {
  url: string;
  steps: DemoStep[];
  /** The demo gateway's own `GET /stats` after the workload. */
  report: StatsReport;
  /** Chat requests that reached the simulated provider. */
  providerCalls: number;
  stop(): Promise<void>;
}

/** The simulated model is priced like this real one, so that money saved shows real-world magnitudes. */
export const demoPricedLike = 'gpt-4o-mini';

/**
 * Runs a real gateway, with its own state under `<stateDir>/demo`, in front of a simulated provider,
 * and replays the bundled workload (a FAQ bot and an agent session) through every layer. Needs no key
 * and no network.
 */
export async function runDemo(options: { stateDir: string; port?: number; log?: (line: string) => void; tokenDelayMs?: number; workload?: DemoRequest[] }): Promise<DemoSession> {
  const demoDir = join(options.stateDir, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  const provider = await startSimulatedProvider(options.tokenDelayMs === undefined ? {} : { tokenDelayMs: options.tokenDelayMs });
  let served: ServedGateway | undefined;
  try {
    const store = new ConfigStore(demoDir);
    store.saveProvider('openai-compatible', { baseUrl: provider.baseUrl, model: simulatedModel });
    store.setPrice(simulatedModel, builtinPrices[demoPricedLike]!);
    served = await serveGateway({
      stateDir: demoDir,
      host: '127.0.0.1',
      port: options.port ?? 0,
      log: options.log ?? (() => {}),
      onWarning: options.log ?? (() => {}),
    });
    const url = served.record.url;
    const steps: DemoStep[] = [];
    for (const request of options.workload ?? [...faqWorkload(), ...agentWorkload()]) steps.push(await send(url, request));
    // Every request's record is written before the numbers are read: a busy machine writes them later.
    await served.running.drained();
    const report = (await (await fetch(`${url}/stats`)).json()) as StatsReport;
    const gateway = served;
    return {
      url,
      steps,
      report,
      providerCalls: provider.calls,
      stop: async () => {
        await gateway.shutdown(2000);
        await provider.close();
        rmSync(demoDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await served?.shutdown(0);
    await provider.close();
    throw error;
  }
}

async function send(url: string, request: DemoRequest): Promise<DemoStep> {
  const startedAt = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-isartor-client': request.client },
    body: JSON.stringify(request.body),
  });
  const text = await response.text();
  const { body: _body, ...described } = request;
  return {
    ...described,
    layer: response.headers.get('x-isartor-layer') ?? '?',
    cache: response.headers.get('x-isartor-cache') ?? '-',
    status: response.status,
    totalMs: performance.now() - startedAt,
    overheadMs: Number(response.headers.get('x-isartor-overhead-ms') ?? Number.NaN),
    trimmedTokens: Number(response.headers.get('x-isartor-trimmed-tokens') ?? 0),
    answer: request.body.stream ? streamedAnswer(text) : ((JSON.parse(text) as { choices?: Array<{ message: { content: string } }> }).choices?.[0]?.message.content ?? text),
  };
}

/** Records are written just after each answer; waits until the last one is counted. */
function streamedAnswer(sse: string): string {
  return sse
    .split('\n\n')
    .map((event) => event.replace(/^data: /, ''))
    .filter((data) => data && data !== '[DONE]')
    .map((data) => (JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '')
    .join('');
}
