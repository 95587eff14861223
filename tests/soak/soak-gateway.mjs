// Runs one gateway (the built dist/, as `isartor up` does) in this process and drives it with a varied
// mix of requests, then says on stdout (one JSON line per checkpoint) what a gateway that runs for weeks
// must keep bounded: the heap after a forced GC, the state dir's size, /metrics and /stats sizes.
// Needs --expose-gc. Usage: node --expose-gc soak-gateway.mjs <stateDir> <requestsPerPhase> [phases]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serveGateway } from '../../dist/daemon/serve-gateway.js';

const [stateDir, perPhaseArg, phasesArg] = process.argv.slice(2);
const perPhase = Number(perPhaseArg ?? 1000);
const phases = Number(phasesArg ?? 3);
const concurrency = 8;
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');

const warnings = [];
let logLines = 0;
const served = await serveGateway({ stateDir, log: () => void logLines++, onWarning: (message) => warnings.push(message) });
const base = served.record.url;

// A few paragraphs of tool output, different per turn: what an agent re-sends every turn.
const toolOutput = (n) => Array.from({ length: 20 }, (_, line) => `${n}:${line} drwxr-xr-x 2 ada staff 64 Nov 27 file-${n}-${line}.ts`).join('\n');
let sequence = 0;

function chatBody(i) {
  const kind = i % 10;
  const scope = `You are assistant number ${i % 97} of the soak run.`;
  const model = i % 13 === 0 ? `model-${sequence}-${Math.random().toString(36).slice(2)}` : 'fake-model';
  if (kind <= 2) return { model, messages: [{ role: 'system', content: scope }, { role: 'user', content: `unique question ${sequence} ${Math.random()}` }] };
  if (kind <= 4) return { model: 'fake-model', messages: [{ role: 'user', content: `repeated question ${i % 20}` }] };
  if (kind <= 6) return { model: 'fake-model', messages: [{ role: 'system', content: scope }, { role: 'user', content: `What is the capital of ${['France', 'Italy', 'Spain', 'Peru'][i % 4]}${'?'.repeat(1 + (i % 3))}` }] };
  // An agent turn: the conversation grows by a tool call and its output.
  const turns = 1 + (i % 6);
  const messages = [{ role: 'system', content: scope }, { role: 'user', content: `list the files, run ${i % 50}` }];
  for (let t = 0; t < turns; t++) {
    const id = `call_${i % 50}_${t}`;
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: 'exec', arguments: JSON.stringify({ command: `ls -la dir${t}` }) } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: toolOutput(`${i % 50}-${t}-${sequence % 7}`) });
  }
  return { model: 'fake-model', messages, tools: [{ type: 'function', function: { name: 'exec', parameters: { type: 'object', properties: { command: { type: 'string' } } } } }] };
}

async function one(i) {
  sequence++;
  const headers = { 'content-type': 'application/json', 'x-isartor-client': i % 3 === 0 ? `tool-${sequence}` : 'soak' };
  const kind = i % 23;
  try {
    if (kind === 0) {
      // Bad JSON: a 400 in the caller's format.
      await (await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers, body: '{"model": ' })).arrayBuffer();
      return;
    }
    if (kind === 1 || kind === 2) {
      // A client that leaves mid-stream.
      const controller = new AbortController();
      const response = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ ...chatBody(i), stream: true }), signal: controller.signal });
      controller.abort();
      await response.arrayBuffer().catch(() => undefined);
      return;
    }
    if (kind === 3 || kind === 4) {
      const body = { model: 'fake-model', max_tokens: 64, system: `scope ${i % 41}`, messages: [{ role: 'user', content: kind === 3 ? `anthropic question ${i % 30}` : `new anthropic question ${sequence}` }] };
      await (await fetch(`${base}/v1/messages`, { method: 'POST', headers: { ...headers, 'anthropic-version': '2023-06-01' }, body: JSON.stringify(body) })).arrayBuffer();
      return;
    }
    const stream = kind % 2 === 0;
    await (await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ ...chatBody(i), ...(stream ? { stream: true } : {}) }) })).arrayBuffer();
  } catch (error) {
    if (error?.name !== 'AbortError') throw error;
  }
}

async function phase(count) {
  let next = 0;
  const worker = async () => {
    while (next < count) await one(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? dirSize(path) : statSync(path).size;
  }
  return total;
}

async function settledHeap() {
  // Finished requests' records and cache writes settle within a few event-loop turns; GC twice for weak refs.
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    globalThis.gc();
  }
  return process.memoryUsage().heapUsed;
}

for (let p = 0; p < phases; p++) {
  await phase(perPhase);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const stats = await (await fetch(`${base}/stats`)).json();
  const heapUsed = await settledHeap();
  process.stdout.write(
    `${JSON.stringify({ phase: p, requests: sequence, heapUsed, stateDirBytes: dirSize(stateDir), metricsBytes: metrics.length, metricsSeries: metrics.split('\n').filter((line) => line && !line.startsWith('#')).length, statsTools: stats.tools.length, statsBytes: JSON.stringify(stats).length, logLines, warnings: warnings.length })}\n`,
  );
}
await served.shutdown(2000);
process.stdout.write(`${JSON.stringify({ done: true, stateDirBytes: dirSize(stateDir), warnings })}\n`);
process.exit(0);
