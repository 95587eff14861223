// Child process: the fake OpenAI-compatible provider from tests/support, with a fixed reply.
//   node --import tsx bench/fake-upstream-child.ts   (env BENCH_UPSTREAM_KEY, BENCH_REPLY, BENCH_CHUNK_DELAY_MS)
import { startFakeUpstream } from '../tests/support/fake-upstream.js';
import { announce, shutdownOn } from './child-runtime.js';

const apiKey = process.env.BENCH_UPSTREAM_KEY ?? 'bench-upstream-key';
const reply = process.env.BENCH_REPLY ?? 'Hello!';

const chunkDelayMs = Number(process.env.BENCH_CHUNK_DELAY_MS ?? 0);
const upstream = await startFakeUpstream({ port: 0, apiKey, models: ['fake-model'], chunkDelayMs, reply: () => reply });

// The fake records every request for tests to inspect; under load that would keep ~60 KB per request
// (plus its parsed form) forever, so drop the records as they pile up.
setInterval(() => {
  upstream.requests.length = 0;
}, 200).unref();

shutdownOn(() => upstream.close());
announce(upstream.url);
