// A realistic agent session for the L1b and L2.5 row: the capture's system prompt and tools, then turns
// of tool calls whose outputs are 10 to 200 KB (build logs with progress frames and escape codes, file
// reads, test output with repeated lines), with a user question now and then. Every request carries the
// whole conversation so far, as agents send it; most end in a tool result (not a question for L1b).
import { randomBytes } from 'node:crypto';

type Message = Record<string, unknown>;

function toolOutput(kind: number, bytes: number, seed: string): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line =
      kind === 0
        ? `\u001b[32m[build ${seed}]\u001b[0m compiling module ${i % 300}/300 ... ${'#'.repeat(i % 40)}\r`
        : kind === 1
          ? `${String(i + 1).padStart(5)}\texport function handler${i}(input: Request): Response { return respond(input, ${i}); } // ${seed}`
          : i % 5 === 0
            ? `PASS tests/unit/case-${i}.test.ts (${i % 97} ms)`
            : '    at Object.<anonymous> (node_modules/vitest/dist/runner.js:1234:56)';
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n');
}

/** `turns` request bodies of one session, each the conversation so far. */
export function agentSession(base: { system: Message[]; tools: unknown[]; model: string }, turns: number): Buffer[] {
  const seed = randomBytes(4).toString('hex');
  const messages: Message[] = [...base.system, { role: 'user', content: `[session ${seed}] Please build the project, run the tests and fix what fails.` }];
  const bodies: Buffer[] = [];
  const sizes = [10, 40, 120, 200, 25, 80, 160, 15, 60, 200, 30, 100];
  for (let turn = 0; turn < turns; turn++) {
    if (turn > 0 && turn % 4 === 0) {
      messages.push({ role: 'assistant', content: 'Done with that step. What next?' });
      messages.push({ role: 'user', content: `[session ${seed}] How many tests failed in step ${turn}?` });
    } else {
      const id = `call_${seed}_${turn}`;
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: turn % 3 === 1 ? 'read' : 'exec', arguments: JSON.stringify({ command: `step ${turn}` }) } }] });
      messages.push({ role: 'tool', tool_call_id: id, content: toolOutput(turn % 3, sizes[turn % sizes.length]! * 1024, seed) });
    }
    bodies.push(Buffer.from(JSON.stringify({ model: base.model, messages, tools: base.tools, stream: true, stream_options: { include_usage: true } })));
  }
  return bodies;
}
