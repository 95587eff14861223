import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { serveGateway, type ServedGateway } from '../daemon/serve-gateway.js';
import { ConfigStore } from '../store/config.js';
import { echoModel, startEchoProvider } from './echo-provider.js';

export interface DemoStep {
  label: string;
  layer: string;
  cache: string;
  status: number;
  totalMs: number;
  overheadMs: number;
  answer: string;
}

export interface DemoSession {
  url: string;
  steps: DemoStep[];
  stop(): Promise<void>;
}

const question = 'What is the capital of France?';

/**
 * Runs a real gateway, with its own state under `<stateDir>/demo`, in front of the built-in echo
 * provider, and sends the requests that show what the layers do. Needs no key and no network.
 */
export async function runDemo(options: { stateDir: string; port?: number; log?: (line: string) => void }): Promise<DemoSession> {
  const demoDir = join(options.stateDir, 'demo');
  rmSync(demoDir, { recursive: true, force: true });
  const provider = await startEchoProvider();
  let served: ServedGateway | undefined;
  try {
    new ConfigStore(demoDir).saveProvider('openai-compatible', { baseUrl: provider.baseUrl, model: echoModel });
    served = await serveGateway({
      stateDir: demoDir,
      host: '127.0.0.1',
      port: options.port ?? 0,
      log: options.log ?? (() => {}),
      onWarning: options.log ?? (() => {}),
    });
    const url = served.record.url;
    const steps = [
      await send(url, 'first ask: forwarded to the provider', question, false),
      await send(url, 'the same request again', question, false),
      await send(url, 'reworded: "what\'s the capital of france"', "what's the capital of france", false),
      await send(url, 'the same question, streamed', question, true),
      await send(url, 'a near-miss: another country', 'What is the capital of Germany?', false),
    ];
    const gateway = served;
    return {
      url,
      steps,
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

async function send(url: string, label: string, content: string, stream: boolean): Promise<DemoStep> {
  const startedAt = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: echoModel, stream, messages: [{ role: 'user', content }] }),
  });
  const body = await response.text();
  return {
    label,
    layer: response.headers.get('x-isartor-layer') ?? '?',
    cache: response.headers.get('x-isartor-cache') ?? '-',
    status: response.status,
    totalMs: performance.now() - startedAt,
    overheadMs: Number(response.headers.get('x-isartor-overhead-ms') ?? Number.NaN),
    answer: stream ? streamedAnswer(body) : ((JSON.parse(body) as { choices?: Array<{ message: { content: string } }> }).choices?.[0]?.message.content ?? body),
  };
}

function streamedAnswer(sse: string): string {
  return sse
    .split('\n\n')
    .map((event) => event.replace(/^data: /, ''))
    .filter((data) => data && data !== '[DONE]')
    .map((data) => (JSON.parse(data) as { choices: Array<{ delta?: { content?: string } }> }).choices[0]?.delta?.content ?? '')
    .join('');
}
