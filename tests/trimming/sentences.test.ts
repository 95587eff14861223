import { beforeAll, describe, expect, it } from 'vitest';
import type { RuleCounts } from '../../source/trimming/rules.js';
import { loadSentenceSplitter, qualifies, removeRepeats } from '../../source/trimming/sentences.js';
import { prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { expectGuards } from './support.js';

beforeAll(async () => {
  await Promise.all([loadSentenceSplitter(), prepareTrimmer()]);
});

/** Runs rule 1 over texts in order with one running state, as a request's messages are. */
function run(...texts: string[]): { texts: string[]; counts: RuleCounts } {
  const seen = new Set<string>();
  const counts: RuleCounts = {};
  return { texts: texts.map((text) => removeRepeats(text, seen, [], counts)), counts };
}

const rule = 'Always run the whole test suite before you report back to me.';
const rule2 = 'Never commit directly to the main branch; create a feature branch instead.';
const rule3 = 'Keep your final answer short and list every file you touched.';

describe('repeated sentences (rule 1)', () => {
  it('removes a sentence already said in an earlier message, keeping the first', () => {
    const { texts, counts } = run(`Hello. ${rule}`, `Now fix the bug. ${rule} Then tell me.`);
    expect(texts).toEqual([`Hello. ${rule}`, 'Now fix the bug. Then tell me.']);
    expect(counts).toEqual({ 'repeated-sentence': 1 });
  });

  it('removes a repeat later in the same text', () => {
    expect(run(`${rule} Do it now please. ${rule}`).texts).toEqual([`${rule} Do it now please.`]);
  });

  it('matches across whitespace differences and list markers', () => {
    const { texts } = run(`- ${rule}`, `Details:\n*   Always run the whole   test suite before you report back to me.\n* Something else entirely different here.`);
    expect(texts[1]).toBe('Details:\n* Something else entirely different here.');
  });

  it('keeps the list marker of a line whose first sentence goes', () => {
    expect(run(rule, `- ${rule} But skip the slow e2e tests today.`).texts[1]).toBe('- But skip the slow e2e tests today.');
  });

  it('keeps short repeated sentences ("Yes.", "Run the tests.") and short bullets', () => {
    const input = 'Yes. Run the tests.\n- read: Read files\n## Related';
    expect(run(input, input).texts).toEqual([input, input]);
  });

  it('keeps status lines that are long but not prose', () => {
    const input = '## /home/user/project\n[MISSING] Expected at: /home/user/project';
    expect(run(input, input).texts).toEqual([input, input]);
    expect(qualifies('[MISSING] Expected at: /home/user/project')).toBe(false);
    expect(qualifies(rule)).toBe(true);
  });

  it('keeps sentences that are similar but not identical', () => {
    const other = 'Always run the whole test suite before you report back to us.';
    expect(run(rule, other).texts).toEqual([rule, other]);
  });

  it('keeps repeated lines in fenced code and Markdown tables', () => {
    const code = '```ts\n// Always run the whole test suite before you report back to me.\nconst answer = computeTheAnswerFromTheInputs(first, second, third);\n```';
    const table = '| Always run the whole test suite before you report back to me. | yes |';
    expect(run(`${rule}\n\n${code}`, code, table).texts).toEqual([`${rule}\n\n${code}`, code, table]);
  });

  it('never empties a text: an all-repeat message stays as it is', () => {
    const { texts, counts } = run(rule, rule);
    expect(texts).toEqual([rule, rule]);
    expect(counts).toEqual({});
  });

  it('handles \\r\\n text', () => {
    expect(run(`${rule}\r\n`, `First line here.\r\n${rule}\r\nLast line here.\r\n`).texts[1]).toBe('First line here.\r\nLast line here.\r\n');
  });
});

describe('repeated paragraphs (rule 1)', () => {
  const paragraph = `${rule} ${rule2}\n${rule3} Yes.`;

  it('removes a whole repeated paragraph, short sentences included, with its blank separator', () => {
    const { texts, counts } = run(`Intro.\n\n${paragraph}`, `Fix the failing test please.\n\n${paragraph}\n\nThen update the README file.`);
    expect(texts[1]).toBe('Fix the failing test please.\n\nThen update the README file.');
    expect(counts).toEqual({ 'repeated-paragraph': 1 });
  });

  it('removes a repeated paragraph at the start or the end of a text cleanly', () => {
    expect(run(paragraph, `${paragraph}\n\nNew request comes here now.`).texts[1]).toBe('New request comes here now.');
    expect(run(paragraph, `New request comes here now.\n\n${paragraph}`).texts[1]).toBe('New request comes here now.');
    expect(run(paragraph, `New request comes here now.\n\n${paragraph}\n`).texts[1]).toBe('New request comes here now.\n');
  });

  it('keeps a paragraph that only shares some sentences (those sentences go)', () => {
    const { texts, counts } = run(paragraph, `${rule} This paragraph adds a new instruction.\nYes.`);
    expect(texts[1]).toBe('This paragraph adds a new instruction.\nYes.');
    expect(counts).toEqual({ 'repeated-sentence': 1 });
  });

  it('keeps short repeated paragraphs', () => {
    expect(run('## Related\n\nSee also.', '## Related\n\nSee also.').texts[1]).toBe('## Related\n\nSee also.');
  });
});

describe('rule 1 in requests', () => {
  it('applies to system, user and assistant text but not to the last user message', () => {
    const body = {
      model: 'm',
      messages: [
        { role: 'system', content: `You are helpful. ${rule}` },
        { role: 'user', content: `Please fix it. ${rule}` },
        { role: 'assistant', content: `Sure. ${rule} I will start now.` },
        { role: 'user', content: [{ type: 'text', text: `Go on. ${rule}` }] },
      ],
    };
    const result = trimRequestBody(body, 'openai');
    const messages = result.body.messages as Array<{ content: unknown }>;
    expect(messages.map((m) => m.content)).toEqual(['You are helpful. ' + rule, 'Please fix it.', 'Sure. I will start now.', [{ type: 'text', text: `Go on. ${rule}` }]]);
    expect(result.rules).toEqual({ 'repeated-sentence': 2 });
    expectGuards(body, result.body, 'openai');
  });

  it('keeps a system prompt whose every sentence is a repeat', () => {
    const body = {
      system: [{ type: 'text', text: rule }, { type: 'text', text: rule, cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hi' }],
    };
    const result = trimRequestBody(body, 'anthropic');
    expect(result.body.system).toEqual(body.system);
    expect(result.changed).toBe(false);
  });

  it('does not take sentences out of tool results, nor count tool results as earlier occurrences', () => {
    const body = {
      messages: [
        { role: 'user', content: 'Read the contributing guide please.' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{"path":"CONTRIBUTING.md"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: `# Contributing\n${rule}\n${rule}` },
        { role: 'user', content: `OK. ${rule}` },
        { role: 'user', content: 'last' },
      ],
    };
    const result = trimRequestBody(body, 'openai');
    expect(result.changed).toBe(false);
  });
});
