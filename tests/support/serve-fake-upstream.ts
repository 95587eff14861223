// Runs the fake upstream on its own, for manual tries and benchmarks:
//   npx tsx tests/support/serve-fake-upstream.ts [port] [apiKey]
import { startFakeUpstream } from './fake-upstream.js';

const port = Number(process.argv[2] ?? 0);
const apiKey = process.argv[3];
const upstream = await startFakeUpstream({ port, ...(apiKey ? { apiKey } : {}) });
process.stdout.write(`${upstream.openaiBaseUrl}\n`);
const stop = (): void => void upstream.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
