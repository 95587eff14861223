import { describe, expect, it } from 'vitest';
import { analyseQuestion } from '../../../source/caching/near-duplicate/question.js';
import { NearDuplicateStore } from '../../../source/caching/near-duplicate/store.js';

const answer = (text: string) => ({ id: 'x', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }] });
const store = (overrides: Partial<ConstructorParameters<typeof NearDuplicateStore>[0]> = {}) =>
  new NearDuplicateStore({ threshold: 0.8, maxEntries: 1000, ttlMs: 60_000, maxBytes: 10_000_000, ...overrides });

describe('NearDuplicateStore', () => {
  it('finds a near-duplicate in the same scope, with its score and original question', () => {
    const s = store();
    s.add('scope-1', analyseQuestion('How do I reverse a list in Python?'), answer('use reversed()'));
    const hit = s.find('scope-1', analyseQuestion('how to reverse a list in Python'));
    expect(hit?.question).toBe('How do I reverse a list in Python?');
    expect(JSON.parse(hit!.json).choices[0].message.content).toBe('use reversed()');
    expect(hit!.score).toBe(1);
  });

  it('never looks into another scope', () => {
    const s = store();
    s.add('scope-1', analyseQuestion('How do I reverse a list in Python?'), answer('a'));
    expect(s.find('scope-2', analyseQuestion('How do I reverse a list in Python?'))).toBeUndefined();
  });

  it('serves no near-miss, even with many similar entries around', () => {
    const s = store();
    for (const country of ['France', 'Spain', 'Italy', 'Poland']) s.add('scope', analyseQuestion(`What is the capital of ${country}?`), answer(country));
    expect(s.find('scope', analyseQuestion('What is the capital of Germany?'))).toBeUndefined();
    expect(JSON.parse(s.find('scope', analyseQuestion("what's the capital of Italy"))!.json).choices[0].message.content).toBe('Italy');
  });

  it('finds the same question however many similar ones the index returns first', () => {
    const s = store();
    for (let i = 0; i < 50; i++) s.add('scope', analyseQuestion(`How do I sort a list of ${i} numbers in Python quickly?`), answer(String(i)));
    s.add('scope', analyseQuestion('How do I sort a list of numbers in Python quickly?'), answer('the one'));
    expect(JSON.parse(s.find('scope', analyseQuestion('how to sort a list of numbers in Python quickly'))!.json).choices[0].message.content).toBe('the one');
  });

  it('neither stores nor serves time-sensitive questions', () => {
    const s = store();
    s.add('scope', analyseQuestion('What is the date today?'), answer('Saturday'));
    expect(s.size).toBe(0);
  });

  it('forgets entries after the TTL', () => {
    let now = 1000;
    const s = store({ ttlMs: 100, now: () => now });
    s.add('scope', analyseQuestion('How do I reverse a list in Python?'), answer('a'));
    now += 101;
    expect(s.find('scope', analyseQuestion('How do I reverse a list in Python?'))).toBeUndefined();
    expect(s.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the least recently used, and cleans empty scopes', () => {
    const s = store({ maxEntries: 2 });
    s.add('a', analyseQuestion('How do I reverse a list in Python?'), answer('1'));
    s.add('b', analyseQuestion('How do I sort a dictionary by value in Python?'), answer('2'));
    s.find('a', analyseQuestion('How do I reverse a list in Python?')); // a is now the most recent
    s.add('c', analyseQuestion('How do I read a file line by line in Python?'), answer('3'));
    expect(s.size).toBe(2);
    expect(s.find('b', analyseQuestion('How do I sort a dictionary by value in Python?'))).toBeUndefined();
    expect(s.find('a', analyseQuestion('How do I reverse a list in Python?'))).toBeDefined();
    expect(s.find('c', analyseQuestion('How do I read a file line by line in Python?'))).toBeDefined();
  });

  it('only the answer served becomes recent: similar questions looked at on the way do not', () => {
    const s = store({ maxEntries: 3 });
    s.add('s', analyseQuestion('How do I reverse a list in Python?'), answer('list'));
    s.add('s', analyseQuestion('How do I read a file line by line in Python?'), answer('file'));
    s.add('s', analyseQuestion('How do I reverse a list of strings in Python?'), answer('strings'));
    expect(JSON.parse(s.find('s', analyseQuestion('How do I reverse a list of strings in Python?'))!.json).choices[0].message.content).toBe('strings');
    s.add('s', analyseQuestion('How do I merge two dictionaries in Python?'), answer('merge'));
    expect(s.find('s', analyseQuestion('How do I reverse a list in Python?'))).toBeUndefined();
    expect(s.find('s', analyseQuestion('How do I read a file line by line in Python?'))).toBeDefined();
  });

  it('evicted answers leave the index: under sustained load only the newest are found, within both limits', () => {
    const s = store({ maxEntries: 50, maxBytes: 200_000 });
    for (let i = 0; i < 3000; i++) s.add(`scope-${i % 7}`, analyseQuestion(`How do I reverse list number ${i} in Python?`), answer(String(i)));
    expect(s.size).toBe(50);
    expect(s.bytes).toBeLessThanOrEqual(200_000);
    expect(JSON.parse(s.find(`scope-${2999 % 7}`, analyseQuestion('How do I reverse list number 2999 in Python?'))!.json).choices[0].message.content).toBe('2999');
    expect(s.find(`scope-${2000 % 7}`, analyseQuestion('How do I reverse list number 2000 in Python?'))).toBeUndefined();
  });

  it('stays within its byte budget', () => {
    const s = store({ maxBytes: 3000 });
    for (let i = 0; i < 10; i++) s.add(`scope-${i}`, analyseQuestion(`How do I reverse list number ${i} in Python?`), answer('x'.repeat(500)));
    expect(s.bytes).toBeLessThanOrEqual(3000);
    expect(s.size).toBeLessThan(10);
  });
});
