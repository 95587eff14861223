import { simulatedModel } from './simulated-provider.js';

/** One request of the demo workload and the layer it is meant to show. */
export interface DemoRequest {
  part: 'faq' | 'agent';
  /** What the request is, for the table. */
  label: string;
  /** The layer the workload was designed for; the demo prints what actually answered. */
  designedFor: 'l1a' | 'l1b' | 'l3';
  /** The tool it comes from, sent as `x-isartor-client`. */
  client: string;
  body: Record<string, unknown>;
}

/** Each FAQ question with a rewording L1b recognises and a near-miss that must go to the provider. */
const faq: ReadonlyArray<{ question: string; reworded: string; nearMiss: string }> = [
  { question: 'What is the capital of France?', reworded: "what's the capital of france", nearMiss: 'What is the capital of Germany?' },
  { question: 'Who wrote Hamlet?', reworded: 'who wrote Hamlet??', nearMiss: 'Who wrote Faust?' },
  { question: 'What is the boiling point of water?', reworded: 'what is the boiling point of water', nearMiss: 'What is the freezing point of water?' },
  { question: 'What is the largest planet?', reworded: 'Please tell me what the largest planet is', nearMiss: 'What is the smallest planet?' },
  { question: 'How do I reverse a list in Python?', reworded: 'how can I reverse a list in Python', nearMiss: 'How do I sort a list in Python?' },
];

const ask = (content: string): Record<string, unknown> => ({ model: simulatedModel, messages: [{ role: 'user', content }] });

/** A support bot asking the same questions again, reworded, and almost the same (which must not be served from cache). */
export function faqWorkload(): DemoRequest[] {
  const request = (label: string, designedFor: DemoRequest['designedFor'], content: string): DemoRequest => ({ part: 'faq', label, designedFor, client: 'faq-bot', body: ask(content) });
  return [
    ...faq.map((q) => request(`first ask: ${q.question}`, 'l3', q.question)),
    ...faq.map((q) => request(`asked again: ${q.question}`, 'l1a', q.question)),
    ...faq.map((q) => request(`reworded: ${q.reworded}`, 'l1b', q.reworded)),
    ...faq.map((q) => request(`near-miss: ${q.nearMiss}`, 'l3', q.nearMiss)),
  ];
}

/**
 * An agent session shaped like OpenClaw's requests (our own text, same structure): a long, fixed system
 * prompt and tool list on every turn, a minute-stamped first user message with a Runtime line naming the
 * session, an internal-context message at the end, and a tool result full of repeated log lines.
 */
export function agentWorkload(): DemoRequest[] {
  const opening = 'What can you help me with in this repository?';
  const sessionA = agentTurn('2026-11-21 19:08', '1f0c6a52-5b7e-4f43-9a43-0c2f4f1d9a11', opening);
  const toolCall = { role: 'assistant', content: null, tool_calls: [{ id: 'call_install', type: 'function', function: { name: 'exec', arguments: JSON.stringify({ command: 'npm install' }) } }] };
  const afterInstall = {
    ...sessionA,
    messages: [
      ...(sessionA.messages as unknown[]).slice(0, -1),
      { role: 'assistant', content: '[simulated answer] I can read and edit files, run commands, and explain code.' },
      { role: 'user', content: 'Install the dependencies, please.' },
      toolCall,
      { role: 'tool', tool_call_id: 'call_install', content: installLog() },
      internalContext(),
    ],
  };
  const sessionB = agentTurn('2026-11-21 19:09', '7d2e9b3c-0a41-4c55-8e1f-5b6a7c8d9e0f', opening);
  const turn = (label: string, designedFor: DemoRequest['designedFor'], body: Record<string, unknown>): DemoRequest => ({ part: 'agent', label, designedFor, client: 'openclaw', body });
  return [
    turn('session 1: opening question', 'l3', sessionA),
    turn('session 1: tool result (npm log), trimmed by L2.5', 'l3', afterInstall),
    turn('session 1: the same turn retried', 'l1a', afterInstall),
    turn('session 2, a minute later: same opening question', 'l1b', sessionB),
  ];
}

function agentTurn(minute: string, sessionId: string, question: string): Record<string, unknown> {
  return {
    model: simulatedModel,
    stream: true,
    stream_options: { include_usage: true },
    max_completion_tokens: 4096,
    tool_choice: 'auto',
    tools: agentTools,
    messages: [
      { role: 'system', content: agentSystemPrompt },
      { role: 'user', content: `[Sat ${minute} UTC] ${question}\n\nRuntime: agent=main | session=agent:main:main | sessionId=${sessionId} | host=demo` },
      internalContext(),
    ],
  };
}

function internalContext(): Record<string, unknown> {
  return { role: 'user', content: [{ type: 'text', text: '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>\nActive exec sessions: none\n<<<END_OPENCLAW_INTERNAL_CONTEXT>>>' }] };
}

/** What `npm install` prints in a terminal: a progress spinner redrawn in place, and the same warning over and over. */
function installLog(): string {
  const spinner = Array.from({ length: 40 }, (_, i) => `\u001b[2K\r${'⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'[i % 10]} reify:fsevents: timing reifyNode:node_modules/pkg-${i} Completed in ${3 + (i % 5)}ms`).join('');
  const warning = 'npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory. Do not use it.';
  const fetches = ['left-pad', 'lodash', 'chalk', 'commander', 'debug'].map((name) => `npm http fetch GET 200 https://registry.npmjs.org/${name} 14ms (cache revalidated)`);
  return [spinner, ...Array.from({ length: 60 }, () => warning), ...fetches, '', 'added 212 packages, and audited 213 packages in 4s', '', 'found 0 vulnerabilities'].join('\n');
}

const section = (title: string, rules: string[]): string => `## ${title}\n${rules.map((rule) => `- ${rule}`).join('\n')}`;

/** A long agent system prompt, fixed from turn to turn, like the ones agent tools send (ours, not a copy). */
const agentSystemPrompt = [
  '<!-- agent:attempt:STABLE -->',
  'You are a coding assistant running inside a terminal agent. You help one user with one repository.',
  section('Tooling', [
    'Tools are policy-filtered; names are case-sensitive. Call exactly the tools listed.',
    'Use `read` before `edit`; never edit a file you have not read in this session.',
    'Use `exec` for shell commands. Prefer short commands; stream long output to a file and read the tail.',
    'Use `ls` to look around before assuming a path exists.',
    'Use `apply_patch` for multi-file edits; keep each hunk small and reviewable.',
  ]),
  section('Safety', [
    'Never print secrets. Mask tokens and keys when you must refer to them.',
    'Ask before deleting files, rewriting history, or running commands that reach the network.',
    'Stop and explain when a command fails twice in the same way.',
  ]),
  section('Style', [
    'Answer briefly. Lead with the result, then the reasoning if it was not obvious.',
    'Quote file paths and commands in backticks.',
    'When you change code, say what you changed and how you checked it.',
  ]),
  section('Workspace', [
    'Keep changes within the files the user named unless the change cannot work otherwise.',
    "Run the project's tests after a change and report failures with the first failing assertion.",
    "Prefer the project's existing helpers over new dependencies; say why when you add one.",
    'Match the surrounding code style: indentation, quotes, naming, and comment density.',
    'Do not reformat lines you did not otherwise change; reviewers read the diff.',
    'When a file is generated, change its generator instead and regenerate it.',
    'Leave lockfiles to the package manager; never edit them by hand.',
  ]),
  section('Git', [
    'Do not commit unless asked. When asked, write a one-line summary and a body that explains why.',
    'Never force-push, rebase shared branches, or delete branches you did not create.',
    'Show `git status` and `git diff --stat` before proposing a commit.',
  ]),
  section('Answers', [
    'For a question about the code, cite the file and line you read it in.',
    "If you are unsure, say what you would check next instead of guessing.",
    'Keep lists short: three items usually carry the point.',
  ]),
  '<!-- agent:attempt:DYNAMIC -->',
  'Current date: 2026-11-21',
].join('\n\n');

const tool = (name: string, description: string, properties: Record<string, unknown>, required: string[]): Record<string, unknown> => ({
  type: 'function',
  function: { name, description, parameters: { type: 'object', properties, required, additionalProperties: false } },
});

const agentTools = [
  tool('read', 'Read a file from the workspace. Returns numbered lines.', { path: { type: 'string' }, offset: { type: 'integer' }, limit: { type: 'integer' } }, ['path']),
  tool('edit', 'Replace an exact span of text in a file that was read before.', { path: { type: 'string' }, old: { type: 'string' }, new: { type: 'string' } }, ['path', 'old', 'new']),
  tool('write', 'Create or overwrite a file.', { path: { type: 'string' }, content: { type: 'string' } }, ['path', 'content']),
  tool('exec', 'Run a shell command in the workspace and return its output.', { command: { type: 'string' }, timeoutMs: { type: 'integer' } }, ['command']),
  tool('ls', 'List a directory.', { path: { type: 'string' } }, ['path']),
  tool('apply_patch', 'Apply a unified diff to the workspace.', { patch: { type: 'string' } }, ['patch']),
];
