import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { layerOf, sendIn, type Body, type Protocol } from './protocol-probe.js';

// Wave 10 (eighth adversarial round), agent conversations: the last user turn is the same words, but an
// earlier turn differs (a tool's output or arguments, a file read, an assistant's answer, a system prompt,
// an earlier user turn, the tools offered, the order or number of turns). The answer follows that context,
// so the second conversation must reach the provider: neither L1a nor L1b may serve it. Each conversation
// is written once and rendered in the three caller protocols. Control in each run: the first conversation
// with its question reworded ("Please ..." in front) is served by L1b, so a miss is the context's doing.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Turn =
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string }
  | { role: 'tool'; name: string; args: Record<string, unknown>; result: string };

interface Conversation {
  system: string;
  tools: Array<{ name: string; description: string; required?: string[] }>;
  turns: Turn[];
}

interface Case {
  name: string;
  question: string;
  /** The control's rewording when "Please ..." is not one L1b folds. */
  reworded?: string;
  first: Conversation;
  second: Conversation;
}

const agent = 'You are a coding agent working in /repo.';
const tools = [
  { name: 'read_file', description: 'Reads a file' },
  { name: 'run', description: 'Runs a shell command' },
];
const read = (path: string, result: string): Turn => ({ role: 'tool', name: 'read_file', args: { path }, result });
const run = (cmd: string, result: string): Turn => ({ role: 'tool', name: 'run', args: { cmd }, result });
const user = (text: string): Turn => ({ role: 'user', text });
const assistant = (text: string): Turn => ({ role: 'assistant', text });
const convo = (turns: Turn[], system = agent, offered: Conversation['tools'] = tools): Conversation => ({ system, tools: offered, turns });

const cases: Case[] = [
  {
    name: 'another test output',
    question: 'Fix the failing test.',
    first: convo([user('Run the tests.'), run('npm test', 'FAIL auth.test.ts: expected 401, got 200')]),
    second: convo([user('Run the tests.'), run('npm test', 'FAIL billing.test.ts: expected 3 items, got 2')]),
  },
  {
    name: 'another file read',
    question: 'Explain what this file does.',
    first: convo([user('Open the entry point.'), read('src/index.ts', 'export const main = () => serve(8080);')]),
    second: convo([user('Open the entry point.'), read('src/index.ts', 'export const main = () => migrate();')]),
  },
  {
    name: 'the same output of another file',
    question: 'Summarise it.',
    first: convo([user('Read the notes.'), read('docs/notes.md', 'See the other file.')]),
    second: convo([user('Read the notes.'), read('docs/todo.md', 'See the other file.')]),
  },
  {
    name: "another assistant's proposal",
    question: 'Do that.',
    first: convo([user('How should I speed up the query?'), assistant('Add an index on users.email.')]),
    second: convo([user('How should I speed up the query?'), assistant('Drop the unused orders table.')]),
  },
  {
    name: 'another system prompt language',
    question: 'Summarise the error.',
    first: convo([user('The build says: TS2322 Type string is not assignable to number.')], 'Reply in English.'),
    second: convo([user('The build says: TS2322 Type string is not assignable to number.')], 'Reply in German.'),
  },
  {
    name: 'another language named in an earlier user turn',
    question: 'How do I read a file line by line?',
    first: convo([user('I am writing Python.'), assistant('Noted.')]),
    second: convo([user('I am writing Go.'), assistant('Noted.')]),
  },
  {
    name: 'another command with the same output',
    question: 'What does that tell us?',
    first: convo([user('Check it.'), run('git diff --stat', '0 files changed')]),
    second: convo([user('Check it.'), run('git diff --cached --stat', '0 files changed')]),
  },
  {
    name: 'another tool with the same output',
    question: 'Is it clean?',
    first: convo([user('Check the code.'), { role: 'tool', name: 'lint', args: {}, result: 'no problems' }], agent, [...tools, { name: 'lint', description: 'Lints' }, { name: 'typecheck', description: 'Type-checks' }]),
    second: convo([user('Check the code.'), { role: 'tool', name: 'typecheck', args: {}, result: 'no problems' }], agent, [...tools, { name: 'lint', description: 'Lints' }, { name: 'typecheck', description: 'Type-checks' }]),
  },
  {
    name: 'one more earlier exchange',
    question: 'Which of these is faster?',
    first: convo([user('Show me two ways to sum a list.'), assistant('sum(xs) and functools.reduce(add, xs).')]),
    second: convo([user('Show me two ways to sum a list.'), assistant('sum(xs) and functools.reduce(add, xs).'), user('Add a third.'), assistant('A for loop with +=.')]),
  },
  {
    name: 'earlier turns in another order',
    question: 'Which one did I mention last?',
    first: convo([user('I like Rust.'), assistant('Nice.'), user('I like Go.'), assistant('Nice.')]),
    second: convo([user('I like Go.'), assistant('Nice.'), user('I like Rust.'), assistant('Nice.')]),
  },
  {
    name: 'one operator apart in the code read',
    question: 'Is this comparison correct?',
    first: convo([user('Look at the check.'), read('src/check.js', 'if (a == b) return true;')]),
    second: convo([user('Look at the check.'), read('src/check.js', 'if (a === b) return true;')]),
  },
  {
    name: 'indentation in the code read',
    question: 'Why does this fail?',
    first: convo([user('Here it is.'), read('app.py', 'if ready:\n    start()\nstop()')]),
    second: convo([user('Here it is.'), read('app.py', 'if ready:\n    start()\n    stop()')]),
  },
  {
    name: 'another date in the system prompt',
    question: 'Summarise my schedule.',
    first: convo([user('Meetings: standup, review.')], 'Today is 2026-11-27.'),
    second: convo([user('Meetings: standup, review.')], 'Today is 2026-11-28.'),
  },
  {
    name: 'another working directory in the system prompt',
    question: 'List the files.',
    first: convo([user('Start.')], 'You are a coding agent working in /repo/api.'),
    second: convo([user('Start.')], 'You are a coding agent working in /repo/web.'),
  },
  {
    name: 'another branch in the git status read',
    question: 'Commit the changes.',
    first: convo([user('Where are we?'), run('git status', 'On branch main\nmodified: a.ts')]),
    second: convo([user('Where are we?'), run('git status', 'On branch release\nmodified: a.ts')]),
  },
  {
    name: 'another number given earlier',
    question: 'How many are left if I use two?',
    first: convo([user('I have 7 API keys.'), assistant('Got it.')]),
    second: convo([user('I have 9 API keys.'), assistant('Got it.')]),
  },
  {
    name: 'another audience set earlier',
    question: 'Explain recursion.',
    first: convo([user('Explain things to me like I am five.'), assistant('Sure.')]),
    second: convo([user('Explain things to me like I am a professor.'), assistant('Sure.')]),
  },
  {
    name: 'another required parameter in the tools offered',
    question: 'Call the tool.',
    reworded: 'Call the tool, please.',
    first: convo([user('We need the weather tool.')], agent, [{ name: 'weather', description: 'Weather', required: ['city'] }]),
    second: convo([user('We need the weather tool.')], agent, [{ name: 'weather', description: 'Weather', required: ['city', 'date'] }]),
  },
  {
    name: 'a failed tool run against a passing one',
    question: 'Can we ship it?',
    first: convo([user('Run the build.'), run('npm run build', 'exit code 0')]),
    second: convo([user('Run the build.'), run('npm run build', 'exit code 2: error TS2345')]),
  },
  {
    name: "another unit in the assistant's answer",
    question: 'Convert that to the other unit.',
    first: convo([user('What is the boiling point of water?'), assistant('100 degrees Celsius.')]),
    second: convo([user('What is the boiling point of water?'), assistant('212 degrees Fahrenheit.')]),
  },
  {
    name: 'the opposite change asked earlier',
    question: 'Now do the same for the admin service.',
    reworded: 'Now do the same for the admin service, please.',
    first: convo([user('Add logging to the payment service.'), assistant('Done: added logger calls.')]),
    second: convo([user('Remove logging from the payment service.'), assistant('Done: removed logger calls.')]),
  },
  {
    name: 'a search with another pattern and the same hits',
    question: 'Rename them all.',
    first: convo([user('Find the helpers.'), run('grep -rl getUser src', 'src/a.ts\nsrc/b.ts')]),
    second: convo([user('Find the helpers.'), run('grep -rl fetchUser src', 'src/a.ts\nsrc/b.ts')]),
  },
];

/** An agent answers after its tool ran, as clients send it (the user's next words follow an assistant turn). */
const withReplies = (turns: readonly Turn[]): Turn[] =>
  turns.flatMap((turn, i) => (turn.role === 'tool' && turns[i + 1]?.role !== 'assistant' ? [turn, assistant('The tool ran.')] : [turn]));

const schema = (required: string[] | undefined) => ({ type: 'object', properties: Object.fromEntries((required ?? []).map((key) => [key, { type: 'string' }])), ...(required ? { required } : {}) });

function openai(c: Conversation, question: string): Body {
  const messages: unknown[] = [{ role: 'system', content: c.system }];
  for (const [i, turn] of withReplies(c.turns).entries()) {
    if (turn.role === 'tool') {
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${i}`, type: 'function', function: { name: turn.name, arguments: JSON.stringify(turn.args) } }] });
      messages.push({ role: 'tool', tool_call_id: `call_${i}`, content: turn.result });
    } else messages.push({ role: turn.role, content: turn.text });
  }
  messages.push({ role: 'user', content: question });
  return { model: 'fake-model', messages, tools: c.tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: schema(tool.required) } })) };
}

/** Anthropic: a tool result is a user turn; user words right after one join it (turns alternate). */
function anthropic(c: Conversation, question: string): Body {
  const messages: Array<{ role: string; content: unknown[] }> = [];
  const push = (role: string, block: unknown) => {
    const last = messages.at(-1);
    if (last?.role === role) last.content.push(block);
    else messages.push({ role, content: [block] });
  };
  for (const [i, turn] of withReplies(c.turns).entries()) {
    if (turn.role === 'tool') {
      push('assistant', { type: 'tool_use', id: `toolu_${i}`, name: turn.name, input: turn.args });
      push('user', { type: 'tool_result', tool_use_id: `toolu_${i}`, content: turn.result });
    } else push(turn.role, { type: 'text', text: turn.text });
  }
  push('user', { type: 'text', text: question });
  return { model: 'fake-model', max_tokens: 200, system: c.system, tools: c.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: schema(tool.required) })), messages };
}

function responses(c: Conversation, question: string): Body {
  const input: unknown[] = [];
  for (const [i, turn] of withReplies(c.turns).entries()) {
    if (turn.role === 'tool') {
      input.push({ type: 'function_call', call_id: `call_${i}`, name: turn.name, arguments: JSON.stringify(turn.args) });
      input.push({ type: 'function_call_output', call_id: `call_${i}`, output: turn.result });
    } else input.push({ type: 'message', role: turn.role, content: [{ type: turn.role === 'user' ? 'input_text' : 'output_text', text: turn.text }] });
  }
  input.push({ type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] });
  return { model: 'fake-model', instructions: c.system, store: false, tools: c.tools.map((tool) => ({ type: 'function', name: tool.name, description: tool.description, parameters: schema(tool.required) })), input };
}

const render: Record<Protocol, (c: Conversation, question: string) => Body> = { openai, anthropic, responses };
const politely = (question: string): string => `Please ${question[0]!.toLowerCase()}${question.slice(1)}`;

describe('the same last turn after other earlier context reaches the provider (round 8)', () => {
  it('holds at least 20 conversation pairs', () => expect(cases.length).toBeGreaterThanOrEqual(20));

  for (const protocol of ['openai', 'anthropic', 'responses'] as const) {
    it(`neither L1a nor L1b answers the second conversation (${protocol})`, async () => {
      harness = await startHarness({ nearDuplicateCache: {} });
      const send = (body: Body) => sendIn(harness!.url, protocol, body);
      const wrong: string[] = [];
      const unserved: string[] = [];
      for (const c of cases) {
        expect(await layerOf(await send(render[protocol](c.first, c.question))), c.name).toBe('200 l3');
        const second = await layerOf(await send(render[protocol](c.second, c.question)));
        if (second !== '200 l3') wrong.push(`${c.name}: ${second}`);
        // The control: the first conversation, its question reworded, is served by L1b.
        const control = await layerOf(await send(render[protocol](c.first, c.reworded ?? politely(c.question))));
        if (control !== '200 l1b') unserved.push(`${c.name}: ${control}`);
      }
      expect(wrong).toEqual([]);
      expect(unserved).toEqual([]);
    }, 120_000);
  }
});
