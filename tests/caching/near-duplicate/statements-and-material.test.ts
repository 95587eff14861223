import { describe, expect, it } from 'vitest';
import { analyseQuestion, judgeNearDuplicate } from '../../../source/caching/near-duplicate/question.js';

// The rules the fifth adversarial set brought (adversarial-pairs-round5.ts): each with the pairs it must
// keep apart and the pairs it must still serve.
const match = (a: string, b: string): boolean => judgeNearDuplicate(analyseQuestion(a), analyseQuestion(b)).match;
const either = (a: string, b: string): boolean => match(a, b) || match(b, a);
const both = (a: string, b: string): boolean => match(a, b) && match(b, a);

describe('a statement is not the question in the same words', () => {
  it.each([
    ['You are a bot.', 'You are a bot?'],
    ["I'm pregnant!", "I'm pregnant?"],
    ['The function returns null', 'The function returns null?'],
    ['You are a bot', 'You are a bot?'],
    ['The test passed. Why?', 'The test passed? Why?'],
    ['Hi, you are ChatGPT.', 'You are ChatGPT?'],
    ['Du bist ein Bot.', 'Du bist ein Bot?'],
    ['Tu es fatigué.', 'Tu es fatigué ?'],
  ])('%s | %s', (a, b) => expect(either(a, b)).toBe(false));

  it.each([
    ['Where is Mount Everest.', 'Where is Mount Everest?'],
    ['Is it safe to eat raw eggs.', 'Is it safe to eat raw eggs?'],
    ['Explain recursion!', 'Explain recursion'],
    ['I want to know what a monad is.', 'What is a monad?'],
    ['What is a monad? Thanks in advance!', 'What is a monad?'],
    ['Hi there! What is a closure?', 'What is a closure?'],
    ['Was ist ein Vektor? Danke!', 'Was ist ein Vektor?'],
    ['Erkläre die Relativitätstheorie.', 'Erkläre die Relativitätstheorie'],
    // Without a closing mark a sentence in statement order states, as with a full stop (wave 8).
    ['The function returns null.', 'The function returns null'],
  ])('where the words already ask or tell, the mark changes nothing: %s | %s', (a, b) => expect(both(a, b)).toBe(true));
});

describe('after a colon, the material keeps its punctuation and its line breaks', () => {
  it.each([
    ['Translate to Spanish: I am hungry?', 'Translate to Spanish: I am hungry.'],
    ['Add the missing punctuation: stop', 'Add the missing punctuation: stop!'],
    ['Translate: You did it! Why?', 'Translate: You did it. Why?'],
    ['Count the lines: roses are red\nviolets are blue', 'Count the lines: roses are red violets are blue'],
    ["Count the words: I'm tired", 'Count the words: I am tired'],
    ['Correct the grammar: I dont know', 'Correct the grammar: I do not know'],
    ['Is this polite: can you give me the report', 'Is this polite: give me the report'],
    ['Is this a haiku?\nold pond\na frog jumps', 'Is this a haiku? old pond a frog jumps'],
  ])('%j | %j', (a, b) => expect(either(a, b)).toBe(false));

  it('a list before the colon still reorders, unless the material points at a place', () => {
    expect(both('Python or Java: which is faster?', 'Java or Python: which is faster?')).toBe(true);
    expect(either('Python or Java: which is the first one alphabetically?', 'Java or Python: which is the first one alphabetically?')).toBe(false);
  });

  it('a line break is read for time like a space, and the same text still meets itself', () => {
    expect(analyseQuestion('What\ntime is it in Tokyo?').time).toBeDefined();
    expect(both('Hi,\nwhat is a monad?', 'Hi,\nwhat is a monad?')).toBe(true);
    expect(both('Why is the sky blue?\n', '  Why is the sky blue?')).toBe(true);
  });
});

describe('number words stay words where the number is read in a base or worked on as written', () => {
  it.each([
    ['What is ten in binary?', 'What is 10 in binary?'],
    ['Is eleven in base two an odd number?', 'Is 11 in base 2 an odd number?'],
    ['What is the plural of two?', 'What is the plural of 2?'],
    ['Translate two apples to German', 'Translate 2 apples to German'],
    ['Sort these: ten, nine, eleven', 'Sort these: 10, 9, 11'],
  ])('%s | %s', (a, b) => expect(either(a, b)).toBe(false));

  it('elsewhere "three" is still 3', () => expect(both('Give me three examples of prime numbers', 'Give me 3 examples of prime numbers')).toBe(true));
});

describe('a thanks before the closing question mark is part of the question', () => {
  it('"sign off with cheers, thanks?" is not "sign off with cheers?"', () => {
    expect(either('Should I sign off with cheers, thanks?', 'Should I sign off with cheers?')).toBe(false);
  });
  it('a thanks closing the request is still politeness', () => {
    expect(both('Why is the sky blue, thanks', 'Why is the sky blue?')).toBe(true);
    expect(both('What is a monad? Thanks!', 'What is a monad?')).toBe(true);
  });
});

describe('the arguments a noun takes after "of" keep their order', () => {
  it('"the commutator of position and momentum" is not "of momentum and position"', () => {
    expect(either('Is the commutator of position and momentum positive?', 'Is the commutator of momentum and position positive?')).toBe(false);
  });
  it('a choice still reorders', () => expect(both('Which is heavier, iron or gold?', 'Which is heavier, gold or iron?')).toBe(true));
});

describe('time: stable facts that read like live ones, and live ones that read like stable ones', () => {
  it.each([
    'Which planet has the highest gravity?', 'Please, which element has the highest melting point?', 'Which ocean is the deepest on Earth?',
    'What is the fastest animal in the world?', 'What is the most common element on Earth?', 'What is the current in a circuit?',
    'How do I calculate the current through a resistor?', 'Who won the 1966 World Cup?', 'Who is the author of Hamlet?',
    'Who was the manager of United in 1999?', 'What is the best sorting algorithm?',
  ])('timeless: %s', (text) => expect(analyseQuestion(text).time, text).toBeUndefined());

  const thisYear = new Date().getUTCFullYear();
  it.each([
    'Which planet has the most moons?', 'Which country has the largest area?', 'Which city is the largest in the world?', 'What is the largest animal ever?',
    'Who is the current CEO of Apple?', 'Is this current?', 'Is that current?', 'Is the data current?', 'Is my address still current?',
    "What's current in fashion?", 'What is the current version of Node?', 'current Node LTS',
    `What is the price of bitcoin in ${thisYear}?`, `Who is the president in ${thisYear + 1}?`, `Who won the ${thisYear} World Cup?`,
    'Which company has the highest revenue?', 'Which player has the highest score?',
    'Who is the Fed chair?', 'Who is the manager of Manchester United?', 'What is the GDP of China?', 'What is the best LLM?', 'What is the last version of Ubuntu?',
  ])('still live: %s', (text) => expect(analyseQuestion(text).time, text).toBeDefined());
});
