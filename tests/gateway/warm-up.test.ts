import { describe, expect, it } from 'vitest';
import { sampleConversation, sampleQuestions, warmUpLayers } from '../../source/gateway/warm-up.js';
import { analyseQuestion, loadQuestionReader } from '../../source/caching/near-duplicate/question.js';
import { prepareTrimmer, trimRequestBody } from '../../source/trimming/trim-request.js';
import { renderCounter } from '../../source/trimming/tool-output.js';
import { startHarness } from './harness.js';

describe('warm-up before the gateway serves', () => {
  it('exercises the paths a first request would compile: its samples are read as questions and its conversation is trimmed', async () => {
    loadQuestionReader();
    await prepareTrimmer();
    // The samples are worth running: real questions (not refused as too long or empty) and a conversation L2.5 changes.
    for (const question of sampleQuestions) expect(analyseQuestion(question).form, question).not.toBe('');
    for (const protocol of ['openai', 'anthropic'] as const) {
      const result = await trimRequestBody(sampleConversation(protocol), protocol);
      expect(result.changed, protocol).toBe(true);
      expect(result.rules['duplicate-tool-result'], protocol).toBe(1);
    }
  });

  it('leaves no trimmed message behind: a client request after it is worked out afresh', async () => {
    await prepareTrimmer();
    await warmUpLayers({ questions: true, trimming: true });
    const before = renderCounter.drawn;
    await trimRequestBody(sampleConversation('openai'), 'openai');
    // The build log's screen is drawn again: the warm-up's memo entries were emptied.
    expect(renderCounter.drawn).toBeGreaterThan(before);
  });

  it('a gateway started with it answers as usual', async () => {
    const harness = await startHarness({ trimming: true, nearDuplicateCache: { enabled: true }, warmUp: true });
    try {
      const response = await harness.chat({ model: 'fake-model', messages: [{ role: 'user', content: 'What is the capital of France?' }] });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-isartor-layer')).toBe('l3');
    } finally {
      await harness.close();
    }
  });
});
