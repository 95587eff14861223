import { describe, expect, it } from 'vitest';
import { analyseQuestion, judgeNearDuplicate, maxQuestionLength, type Verdict } from '../../../source/caching/near-duplicate/question.js';

const judge = (cached: string, incoming: string): Verdict => judgeNearDuplicate(analyseQuestion(cached), analyseQuestion(incoming));
const formOf = (text: string): string => analyseQuestion(text).form;

describe('the canonical form of a question', () => {
  it('keeps words as written but the documented rewrites', () => {
    expect(formOf("What's the capital of France?")).toBe('w:what w:is w:the w:capital w:of n:france');
    expect(formOf('Could you please explain recursion?')).toBe('w:explain w:recursion');
    expect(formOf('How can I sort a list?')).toBe(formOf('how to sort a list'));
    expect(formOf('Tell me what the capital of Spain is')).toBe(formOf('What is the capital of Spain?'));
    expect(formOf('What does idempotent mean?')).toBe(formOf('What is the meaning of idempotent?'));
  });

  it('marks what may be a name, an acronym, code or a number, so none of them meets a plain word', () => {
    expect(formOf('Is Turkey safe?')).toContain('n:turkey');
    expect(formOf('Is turkey safe?')).toContain('w:turkey');
    expect(formOf('What is IT?')).toContain('a:IT');
    expect(formOf('What does `a ?? b` do?')).toContain('v:`a');
    expect(formOf('Who is agent 007?')).toContain('d:007');
    expect(formOf('What is new in Python 3.10?')).toContain('v:3.10');
  });

  it('reads a lowercase word the lexicon only knows as a name as that name', () => {
    expect(judge('What is the capital of France?', 'what is the capital of france').match).toBe(true);
  });

  it('drops sentence punctuation only where it cannot be code', () => {
    expect(formOf('What is recursion??')).toBe(formOf('What is recursion'));
    expect(formOf('What does println! do?')).not.toBe(formOf('What does println? do?'));
    expect(formOf('What does a ?? b do')).not.toBe(formOf('What does a b do'));
  });

  it('reorders a true list only when nothing else changes', () => {
    expect(judge('Is Python or Java faster?', 'Is Java or Python faster?')).toMatchObject({ match: true, by: 'list-order' });
    expect(judge('Is Python or Java faster?', 'Please, is Java or Python faster?')).toMatchObject({ match: false });
    expect(judge('I use Windows at work and Linux at home', 'I use Linux at work and Windows at home').match).toBe(false);
    expect(judge('Who wrote Crime and Punishment?', 'Who wrote Punishment and Crime?').match).toBe(false);
  });

  it('is symmetric and deterministic', () => {
    for (const [a, b] of [['Explain recursion, please', 'explain recursion'], ['Is Rust faster than Go?', 'Is Go faster than Rust?']] as const) {
      expect(judge(a, b).match).toBe(judge(b, a).match);
      expect(analyseQuestion(a)).toEqual(analyseQuestion(a));
    }
  });
});

describe('time-dependent questions', () => {
  // Our own paraphrases of each kind: every one must be recognised, whatever the wording.
  const timeDependent: Array<[string, string]> = [
    ['clock', 'What time is it in Tokyo?'], ['clock', "What's the time in Tokyo"], ['clock', 'tell me the time in Tokyo please'],
    ['clock', 'Is it 7 pm in London yet?'], ['clock', 'How many hours until midnight?'], ['clock', 'Should I say good morning or good evening?'],
    ['clock', 'Is it night in Sydney?'], ['clock', 'Is it morning in Sydney right now?'],
    ['date', 'What day is it?'], ['date', 'What is the date today?'], ['date', "What's today's date?"], ['date', 'How long until Christmas?'],
    ['date', 'How old is Barack Obama?'], ['date', 'Is Queen Elizabeth still alive?'], ['date', 'What is the latest version of Node?'],
    ['date', 'Who will win the election?'], ['date', 'Is it a leap year?'],
    ['live', 'What is the price of Bitcoin?'], ['live', 'How much is one bitcoin?'], ['live', 'Tesla stock price?'],
    ['live', 'What is the EUR to USD exchange rate?'], ['live', 'Who won the game?'], ['live', "What's the score?"],
    ['live', 'Is it raining in London?'], ['live', 'What is the weather like in Berlin?'], ['live', 'Do I need an umbrella in Paris?'],
    ['live', 'Is it hot in Dubai?'], ['live', 'Is the Louvre open?'], ['live', 'When does the museum close?'],
    ['live', 'What are the opening hours of the Louvre?'], ['live', 'Is GitHub down?'], ['live', 'Is the site up for everyone?'],
    ['live', 'Who is the president of France?'], ['live', 'What is happening in Ukraine?'], ['live', 'Has my parcel arrived?'],
    ['clock', 'Is my flight on time?'], ['live', 'Is the motorway busy?'], ['live', 'What is the population of India?'],
    ['live', 'How many people live in Tokyo?'], ['live', 'Who holds the world record for the marathon?'],
    ['date', 'What phase is the moon in? Is it a full moon?'], ['date', 'Is it summer in Australia?'], ['date', 'When is the next bus?'],
    ['live', 'How long is the wait time at the Louvre?'],
  ];
  it.each(timeDependent)('%s: %s', (kind, text) => {
    expect(analyseQuestion(text).time, text).toBeDefined();
    expect(analyseQuestion(text).time === 'clock', text).toBe(kind === 'clock');
  });

  it.each([
    'How do I open a file in Python?', 'What is the time complexity of quicksort?', 'Is Linux open source?',
    'How do I change the working directory?', 'Who won the 1966 World Cup?', 'Write a haiku about rain', 'I am learning Rust, where do I start?',
  ])('a timeless question stays servable: %s', (text) => {
    expect(analyseQuestion(text).time).toBeUndefined();
  });

  it('recognises German and French ones by their words', () => {
    for (const text of ['Wie spät ist es?', 'Wie ist das Wetter in Berlin?', 'Ist das Museum heute geöffnet?', 'Quelle heure est-il ?', 'Le Louvre est-il ouvert ?', 'Quel temps fait-il ?']) {
      expect(analyseQuestion(text).time, text).toBeDefined();
    }
  });

  it('is never served, even asked word for word', () => {
    expect(judge('What time is it?', 'What time is it?')).toMatchObject({ match: false, reason: 'time-dependent' });
  });
});

describe('languages and size', () => {
  it('reads English, German and French, and compares any other language exactly as written', () => {
    expect(analyseQuestion('What is a monad?').language).toBe('en');
    expect(analyseQuestion('Was ist eine Monade?').language).toBe('de');
    expect(analyseQuestion("Qu'est-ce qu'une monade ?").language).toBe('fr');
    for (const text of ['¿Qué es una mónada?', 'Что такое монада?', 'モナドとは何ですか', 'Cos\'è una monade?']) {
      expect(analyseQuestion(text).language, text).toBe('other');
      expect(judge(text, `  ${text}`).match, text).toBe(true);
      expect(judge(text, text.toLowerCase()).match || text === text.toLowerCase(), text).toBe(text === text.toLowerCase());
      expect(judge(text, `${text}?`).match, text).toBe(false);
    }
    expect(judge('Что такое монада?', 'Что такое монада?')).toMatchObject({ match: true });
    expect(judge('What is a monad?', 'Что такое монада?')).toMatchObject({ match: false, reason: 'language' });
  });

  it('gives German and French only the rewrites this code can vouch for', () => {
    expect(judge('Erkläre bitte Rekursion', 'Erkläre Rekursion').match).toBe(true);
    expect(judge('Was ist eine Bank?', 'Was ist eine bank?').match).toBe(false);
    expect(judge("Explique la récursivité, s'il te plaît", 'Explique la récursivité').match).toBe(true);
    expect(judge('Comment dit-on merci en anglais ?', 'Comment dit-on en anglais ?').match).toBe(false);
  });

  it('does not analyse a question longer than the limit', () => {
    const long = `Explain ${'very '.repeat(maxQuestionLength / 5)}carefully`;
    expect(analyseQuestion(long).form).toBe('');
    expect(judge(long, long)).toMatchObject({ match: false, reason: 'too-long' });
  });
});
