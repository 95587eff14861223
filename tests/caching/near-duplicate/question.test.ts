import { describe, expect, it } from 'vitest';
import {
  analyseQuestion, defaultThreshold, judgeNearDuplicate, maxQuestionLength, similarity, type GuardName, type Verdict,
} from '../../../source/caching/near-duplicate/question.js';

/** The verdict at the default threshold: what the gateway would do. */
const judge = (cached: string, incoming: string): Verdict =>
  judgeNearDuplicate(analyseQuestion(cached), analyseQuestion(incoming), defaultThreshold);

/**
 * The verdict with the similarity threshold out of the way (0), so that the guards decide: a guard
 * test shows the guard itself firing, not the threshold happening to reject first.
 */
const guardsOnly = (cached: string, incoming: string): Verdict =>
  judgeNearDuplicate(analyseQuestion(cached), analyseQuestion(incoming), 0);

const reasonOf = (verdict: Verdict): string => (verdict.match ? 'match' : verdict.reason);

function expectGuard(guard: GuardName, cached: string, incoming: string): void {
  expect(reasonOf(guardsOnly(cached, incoming)), `${cached} | ${incoming}`).toBe(guard);
  expect(judge(cached, incoming).match, `${cached} | ${incoming}`).toBe(false);
}

function expectMatch(cached: string, incoming: string): void {
  const verdict = judge(cached, incoming);
  expect(reasonOf(verdict), `${cached} | ${incoming}`).toBe('match');
  // A match is symmetric: it does not depend on which question was cached.
  expect(reasonOf(judge(incoming, cached)), `${incoming} | ${cached}`).toBe('match');
}

describe('near-duplicate: what must match', () => {
  it.each([
    ["What's the capital of France?", 'what is the capital of france'],
    ['How do I reverse a list in Python?', 'how to reverse a python list'],
    ['how do I reset my password', 'how to reset password'],
    ['python list sort', 'sort python list'],
    ["Why can't I sleep?", 'Why cannot I sleep?'],
    ["Why can't I sleep?", 'Why can I not sleep?'],
    ['  What is   the capital of France ?? ', 'what is the capital of france'],
    ['Which is the best laptop?', 'What is the best laptop?'],
    ['What is the difference between jam and marmalade?', 'What is the difference between marmalade and jam?'],
    ['What are the benefits of yoga?', 'What are yoga benefits?'],
    ['What can I buy for $5?', 'What can I buy for 5 dollars?'],
  ])('%s ~ %s', (a, b) => expectMatch(a, b));

  it('gives a score of 1 to questions with the same content terms', () => {
    expect(similarity(analyseQuestion('How do I reset my password?'), analyseQuestion('how to reset password'))).toBe(1);
  });
});

describe('near-duplicate: the obvious near-misses never match', () => {
  it.each([
    ['What is the capital of France?', 'What is the capital of Germany?'],
    ['Hello world', 'What is 1+1?'],
    ['convert 5 km to miles', 'convert 5 miles to km'],
    ['sort ascending', 'sort descending'],
    ['is X safe', 'is X not safe'],
    ['Paris to London', 'London to Paris'],
    ['What is 1+1?', 'What is 1-1?'],
    ['Why do dogs hate cats?', 'Why do cats hate dogs?'],
  ])('%s != %s', (a, b) => {
    expect(judge(a, b).match).toBe(false);
    expect(judge(b, a).match).toBe(false);
  });
});

describe('guard: numbers and units', () => {
  it('fires on a different unit or value', () => {
    expectGuard('numbers', 'convert 5 km to miles', 'convert 5 miles to km');
    expectGuard('numbers', 'How far is 5 km?', 'How far is 50 km?');
    expectGuard('numbers', 'Is 5 km far?', 'Is 5 miles far?');
    expectGuard('numbers', 'What were the best films of 2016?', 'What were the best films of 2017?');
  });
  it('does not fire on the same quantity written differently', () => {
    expectMatch('Is 1,000 a big number?', 'Is 1000 a big number?');
    expectMatch('How long is 5 kilometres?', 'How long is 5 km?');
    expectMatch('Is five km far?', 'Is 5 km far?');
    expectMatch('What can I buy for $5?', 'What can I buy for 5 dollars?');
  });
});

describe('guard: quoted strings', () => {
  it('fires on a different quote', () => {
    expectGuard('quoted', 'What does "foo" mean?', 'What does "bar" mean?');
    expectGuard('quoted', "What does 'carpe diem' mean?", "What does 'carpe noctem' mean?");
  });
  it('does not fire when the other question writes the same words without quotes', () => {
    expectMatch('What does "carpe diem" mean?', 'What does carpe diem mean?');
  });
});

describe('guard: code identifiers', () => {
  it('fires on a different identifier', () => {
    expectGuard('identifiers', 'What does getElementById return?', 'What does getElementsById return?');
    expectGuard('identifiers', 'What is my_var used for?', 'What is my_val used for?');
    expectGuard('identifiers', 'What does os.path.join do?', 'What does os.path.split do?');
    expectGuard('identifiers', 'What does foo() return?', 'What does foo return?');
    expectGuard('identifiers', 'What does `x` do?', 'What does `y` do?');
    expectGuard('identifiers', 'Is C++ hard to learn?', 'Is C# hard to learn?');
  });
  it('does not fire on the same identifier, backticked or not', () => {
    expectMatch('What does `getElementById` return?', 'What does getElementById return?');
    expectMatch('What does os.path.join do?', 'what does os.path.join do');
  });
  it('compares identifiers case-sensitively', () => {
    expect(judge('What does getElementById return?', 'What does getElementByID return?').match).toBe(false);
  });
});

describe('guard: file paths', () => {
  it('fires on a different path or file name', () => {
    expectGuard('paths', 'How do I edit /etc/hosts?', 'How do I edit /etc/host?');
    expectGuard('paths', 'Why does app.py crash?', 'Why does main.py crash?');
  });
  it('does not fire on the same path', () => {
    expectMatch('How do I edit /etc/hosts?', 'how do i edit /etc/hosts');
  });
});

describe('guard: URLs', () => {
  it('fires on a different URL', () => {
    expectGuard('urls', 'Is https://example.com/a safe?', 'Is https://example.com/b safe?');
  });
  it('does not fire when only the case of scheme and host differs', () => {
    expectMatch('Is HTTPS://Example.com/a safe?', 'is https://example.com/a safe');
  });
});

describe('guard: emails', () => {
  it('fires on a different address', () => {
    expectGuard('emails', 'Why does mail to alice@example.com bounce?', 'Why does mail to bob@example.com bounce?');
  });
  it('does not fire on the same address in another case', () => {
    expectMatch('Why does mail to Alice@Example.com bounce?', 'why does mail to alice@example.com bounce');
  });
});

describe('guard: named entities', () => {
  it('fires on a different name, and on the same names in another order', () => {
    expectGuard('entities', 'What is the capital of France?', 'What is the capital of Germany?');
    expectGuard('entities', 'Flights from Paris to London', 'Flights from London to Paris');
    expectGuard('entities', 'Is Python faster than Java?', 'Is Java faster than Python?');
  });
  it('does not fire on the same names in another case', () => {
    expectMatch('What is the capital of France?', "what's the capital of france");
  });
});

describe('guard: negation', () => {
  it('fires when one question negates', () => {
    expectGuard('negation', 'Is it safe to eat raw eggs?', 'Is it not safe to eat raw eggs?');
    expectGuard('negation', 'Why can I sleep?', "Why can't I sleep?");
    expectGuard('negation', 'Have you been to Paris?', 'Have you never been to Paris?');
    expectGuard('negation', 'Is there sugar in it?', 'Is there no sugar in it?');
    expectGuard('negation', 'How do I make coffee with sugar?', 'How do I make coffee without sugar?');
  });
  it('does not fire on the same negation spelled differently', () => {
    expectMatch("Why can't I sleep?", 'Why cannot I sleep?');
    expectMatch("Isn't it safe to eat raw eggs?", 'Is it not safe to eat raw eggs?');
  });
});

describe('guard: polarity', () => {
  it('fires on opposite judgements', () => {
    expectGuard('polarity', 'What are the pros of nuclear power?', 'What are the cons of nuclear power?');
    expectGuard('polarity', 'Is Python good for beginners?', 'Is Python bad for beginners?');
    expectGuard('polarity', 'Is it safe to swim here?', 'Is it unsafe to swim here?');
    expectGuard('polarity', 'What are the advantages of remote work?', 'What are the disadvantages of remote work?');
    expectGuard('polarity', 'What is the best way to learn French?', 'What is the worst way to learn French?');
  });
  it('does not fire on the same judgement', () => {
    expectMatch('Is Python good for beginners?', 'is python good for beginners');
    expectMatch('What are the benefits of yoga?', 'What are yoga benefits?');
  });
});

describe('guard: direction', () => {
  it('fires on opposite directions', () => {
    expectGuard('direction', 'How do I sort a list in ascending order?', 'How do I sort a list in descending order?');
    expectGuard('direction', 'How do I encrypt a file?', 'How do I decrypt a file?');
    expectGuard('direction', 'How do I send money to India?', 'How do I send money from India?');
    expectGuard('direction', 'Should I eat before running?', 'Should I eat after running?');
    expectGuard('direction', 'How do I import a CSV file into Excel?', 'How do I export a CSV file into Excel?');
    expectGuard('direction', 'How do I turn the volume up?', 'How do I turn the volume down?');
    expectGuard('direction', 'How can I increase my metabolism?', 'How can I decrease my metabolism?');
    expectGuard('direction', 'Is the temperature above zero?', 'Is the temperature below zero?');
  });
  it('does not fire when only one question names a to/from preposition', () => {
    // "to" and "from" count only when both questions use one: there they must agree.
    expectMatch('Where can I learn English?', 'From where can I learn English?');
    expectMatch('How do I sort a list in ascending order?', 'how to sort a list in ascending order');
  });
});

describe('guard: comparison', () => {
  it('fires on a different comparative or superlative', () => {
    expectGuard('comparison', 'How can I earn more money?', 'How can I earn less money?');
    expectGuard('comparison', 'Which is the bigger planet?', 'Which is the biggest planet?');
    expectGuard('comparison', 'Is a cat big?', 'Is a cat bigger?');
  });
  it('does not fire on the same comparison', () => {
    expectMatch('Is Python faster than Java?', 'is python faster than java');
  });
});

describe('guard: question type', () => {
  it('fires on a different question word', () => {
    expectGuard('question-type', 'Why is the sky blue?', 'How is the sky blue?');
    expectGuard('question-type', 'How many calories are in an apple?', 'How much calories are in an apple?');
    expectGuard('question-type', 'Is Python popular?', 'Why is Python popular?');
    expectGuard('question-type', 'What caused the Spanish Civil War?', 'What was the Spanish Civil War? What caused it?');
  });
  it('does not fire on what/which', () => {
    expectMatch('Which is the best laptop?', 'What is the best laptop?');
  });
});

describe('guard: modality', () => {
  it('fires on a different modal', () => {
    expectGuard('modality', 'Can I eat raw eggs?', 'Should I eat raw eggs?');
    expectGuard('modality', 'Will it rain in Paris?', 'Would it rain in Paris?');
    expectGuard('modality', 'How do I find a job?', 'How can I find a job?');
  });
  it('does not fire on the same modal, or on "will" the noun', () => {
    expectMatch('Can I eat raw eggs?', 'can i eat raw eggs');
    expect(analyseQuestion('How do I get my will power back?').guards.modality).toEqual([]);
    expect(analyseQuestion('Will I get my power back?').guards.modality).toEqual(['will']);
  });
});

describe('guard: aspect, voice and grammatical number', () => {
  it('fires on progressive against simple', () => {
    expectGuard('aspect', 'What is causing my headache?', 'What causes my headache?');
  });
  it('fires on passive against active', () => {
    expectGuard('voice', 'What was it like being kissed for the first time?', 'What is it like to kiss for the first time?');
  });
  it('fires on one against several', () => {
    expectGuard('number', 'Who is your favorite singer?', 'Who are your favorite singers?');
  });
  it('does not fire on number without is/are', () => {
    expectMatch('How does a robot work?', 'How do robots work?');
  });
  it('does not fire on tense alone, nor on a gerund subject', () => {
    expectMatch('Who is Martin Luther?', 'Who was Martin Luther?');
    expectMatch('Is eating late at night bad?', 'is eating late at night bad');
  });
});

describe('guard: person', () => {
  it('fires on a different person', () => {
    expectGuard('person', 'What is your name?', 'What is my name?');
    expectGuard('person', 'How do I tell him I love her?', 'How do I tell her I love him?');
    expectGuard('person', 'Why does Quora remove my questions?', 'Why does Quora remove questions?');
  });
  it('does not fire when a subjectless question is the asker\'s', () => {
    expectMatch('how do I reset my password', 'how to reset password');
  });
});

describe('guard: deixis', () => {
  it('fires when the questions point at different things', () => {
    expectGuard('deixis', 'What insect is this?', 'What insect is that?');
    expectGuard('deixis', 'What is the name of this plant?', 'What is the name of a plant?');
  });
  it('does not fire when both point at the same thing', () => {
    expectMatch('What is this insect?', 'What insect is this?');
  });
});

describe('guard: quantifiers', () => {
  it('fires when one question quantifies', () => {
    expectGuard('quantifiers', 'Do all cats have tails?', 'Do cats have tails?');
    expectGuard('quantifiers', 'Why do only women get this disease?', 'Why do women get this disease?');
  });
  it('does not fire on vague amounts', () => {
    expectMatch('What are some good books on economics?', 'What are good books on economics?');
  });
});

describe('guard: symbols', () => {
  it('fires on a different operator', () => {
    expectGuard('symbols', 'What does x += y do?', 'What does x -= y do?');
  });
  it('does not fire on & for "and"', () => {
    expectMatch('What are the pros & cons of online shopping?', 'What are the pros and cons of online shopping?');
  });
});

describe('guard: word order', () => {
  it('fires when the same words say something else', () => {
    expectGuard('order', 'Why do dogs hate cats?', 'Why do cats hate dogs?');
    expectGuard('order', 'convert km to miles', 'convert miles to km');
    expectGuard('order', 'How do you convert ethane to ethene?', 'How do you convert ethene to ethane?');
  });
  it('does not fire where order cannot change the meaning', () => {
    expectMatch('python list sort', 'sort python list');
    expectMatch('How do I reverse a list in Python?', 'how to reverse a python list');
    expectMatch('How do I recover deleted messages in Facebook?', 'How do I recover deleted Facebook messages?');
  });
});

describe('time-sensitive, empty and too long questions', () => {
  it('never serves a question whose answer depends on when it is asked', () => {
    for (const text of ['What is the weather today?', 'What time is it in Tokyo?', 'What is the latest iPhone?', 'Who won the match this week?', 'What is the current Bitcoin price?']) {
      const features = analyseQuestion(text);
      expect(features.timeSensitive, text).toBe(true);
      expect(reasonOf(judgeNearDuplicate(features, features, 0)), text).toBe('time-sensitive');
    }
    expect(analyseQuestion('What is the capital of France?').timeSensitive).toBe(false);
  });
  it('never matches a question without content terms, even itself', () => {
    expect(analyseQuestion('Who are you?').terms).toEqual([]);
    expect(reasonOf(judge('Who are you?', 'Who are you?'))).toBe('empty');
    expect(reasonOf(judge('', ''))).toBe('empty');
    expect(reasonOf(judge('?!', 'What is Python?'))).toBe('empty');
  });
  it(`never matches a question longer than ${maxQuestionLength} characters`, () => {
    const long = `Explain this: ${'word '.repeat(maxQuestionLength / 5)}`;
    const features = analyseQuestion(long);
    expect(features.indexText.startsWith('explain this word word')).toBe(true);
    expect(reasonOf(judgeNearDuplicate(features, features, 0))).toBe('too-long');
  });
});

describe('analyseQuestion', () => {
  it('normalises the index text: lowercase, contractions expanded, punctuation and whitespace folded', () => {
    expect(analyseQuestion("What's   the capital of France?!").indexText).toBe('what is the capital of france');
    expect(analyseQuestion("I can't go").indexText).toBe(analyseQuestion('I cannot go').indexText);
  });
  it('keeps content lemmas as terms and drops words that do not change what is asked', () => {
    expect(analyseQuestion('How do I reverse the lists in Python?').terms).toEqual(['list', 'python', 'reverse']);
  });
  it('does not let the lemmatiser rewrite words ("app" stays "app")', () => {
    expect(analyseQuestion('Which app is best for notes?').terms).toContain('app');
  });
  it('produces JSON that judges exactly as the original', () => {
    const pairs: Array<[string, string]> = [['How do I reverse a list in Python?', 'how to reverse a python list'], ['Is X safe?', 'Is X not safe?']];
    for (const [a, b] of pairs) {
      const [fa, fb] = [analyseQuestion(a), analyseQuestion(b)];
      const [ja, jb] = [JSON.parse(JSON.stringify(fa)), JSON.parse(JSON.stringify(fb))];
      expect(judgeNearDuplicate(ja, jb, defaultThreshold)).toEqual(judgeNearDuplicate(fa, fb, defaultThreshold));
    }
  });
  it('is deterministic', () => {
    const text = 'How do I convert 5 km to miles in `python` (see https://example.com)?';
    expect(analyseQuestion(text)).toEqual(analyseQuestion(text));
  });
  it('stays fast on adversarial input', () => {
    analyseQuestion('warm up');
    for (const unit of ['a', 'a.', 'ab_', 'aB', '/a', '-a ', 'a@', 'x.com/', '`a', '$a', '"a', "'a ", 'a(', 'a::', '😀']) {
      const text = unit.repeat(Math.ceil(maxQuestionLength / unit.length)).slice(0, maxQuestionLength);
      const started = performance.now();
      analyseQuestion(text);
      expect(performance.now() - started, JSON.stringify(unit)).toBeLessThan(1000);
    }
  });
});
