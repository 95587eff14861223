import { analyseQuestion } from '../caching/near-duplicate/question.js';
import { clearTrimMemo, trimRequestBody } from '../trimming/trim-request.js';

/**
 * Reads built-in sample questions with L1b's reader and trims a built-in agent conversation with L2.5
 * before the gateway listens, so V8 has compiled their code before the first client request does it on
 * the event loop. Measured on a fresh process: the first question read took ~20 ms (the next ones
 * under 1 ms), and the first coloured build log ~3x its later trimming time, while every other request
 * waited. Only samples are read; the trim memos are emptied afterwards, so no client request finds them.
 * About 50-100 ms once, at start (`isartor up`); tests that create many gateways leave it off.
 */
export async function warmUpLayers(layers: { questions: boolean; trimming: boolean }): Promise<void> {
  if (layers.questions) for (const question of sampleQuestions) analyseQuestion(question);
  if (layers.trimming) {
    for (const protocol of ['openai', 'anthropic'] as const) await trimRequestBody(sampleConversation(protocol), protocol);
    clearTrimMemo();
  }
}

/** Questions of the shapes agents and people send: wrapped, numbered, timed, in code, in German and French. */
export const sampleQuestions = [
  'What is the capital of France?',
  '[session 0f3a] How many tests failed in step 4?',
  'How do I undo the last git commit without losing my changes?',
  "Can you explain why `npm test` fails on Windows but not on Linux? It says: Error: ENOENT, no such file 'a.txt'",
  'What time is it in Tokyo right now?',
  'Which is faster for 1,000 lookups, a hash map or a sorted array?',
  'Write a Python function that returns the sum of two numbers, please.',
  "Isn't 3.14 > 22/7? Thanks!",
  'Wie spät ist es gerade in Berlin?',
  "Quelle est la différence entre « savoir » et « connaître » ?",
  'Summarise the following text in 3 sentences: The quick brown fox jumps over the lazy dog.',
  'Who was the president of the United States in 1999, and who is it today?',
];

/** A build with progress frames and colour, a file read, a test run repeated with the same arguments. */
export function sampleConversation(protocol: 'openai' | 'anthropic'): Record<string, unknown> {
  const build = Array.from({ length: 400 }, (_, i) => `\u001b[32m[build]\u001b[0m compiling module ${i % 40}/40 ... ${'#'.repeat(i % 20)}\r`).join('\n');
  const file = Array.from({ length: 200 }, (_, i) => `${String(i + 1).padStart(5)}\texport function handler${i}(input) { return respond(input, ${i}); }`).join('\n');
  const tests = Array.from({ length: 200 }, (_, i) => (i % 5 === 0 ? `\u001b[31mFAIL\u001b[39m tests/case-${i}.test.ts` : '    at Object.<anonymous> (runner.js:12:34)')).join('\n');
  const calls: Array<[string, string, string]> = [
    ['exec', '{"command":"npm run build"}', build],
    ['read', '{"path":"src/handlers.ts"}', file],
    ['exec', '{"command":"npm test"}', tests],
    ['exec', '{"command":"npm test"}', tests],
  ];
  const instructions = 'You are a coding agent. Run commands with exec, read files with read.\n\nAlways run the tests after a change.';
  if (protocol === 'openai') {
    const messages: unknown[] = [{ role: 'system', content: instructions }, { role: 'user', content: 'Build the project and fix the failing tests.' }];
    calls.forEach(([name, args, output], i) => {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name, arguments: args } }] });
      messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: output });
    });
    return { model: 'warm-up', messages };
  }
  const messages: unknown[] = [{ role: 'user', content: 'Build the project and fix the failing tests.' }];
  calls.forEach(([name, args, output], i) => {
    messages.push({ role: 'assistant', content: [{ type: 'tool_use', id: `toolu_${i}`, name, input: JSON.parse(args) as unknown }] });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_${i}`, content: output }] });
  });
  return { model: 'warm-up', system: instructions, max_tokens: 1024, messages };
}
