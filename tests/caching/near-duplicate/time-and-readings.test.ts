import { describe, expect, it } from 'vitest';
import { analyseQuestion, judgeNearDuplicate } from '../../../source/caching/near-duplicate/question.js';
import { textIsTimeDependent } from '../../../source/caching/near-duplicate/asked-time.js';

const judge = (a: string, b: string) => judgeNearDuplicate(analyseQuestion(a), analyseQuestion(b));
const both = (a: string, b: string): boolean => judge(a, b).match && judge(b, a).match;
const either = (a: string, b: string): boolean => judge(a, b).match || judge(b, a).match;

describe('"now" as a discourse marker is no time cue', () => {
  it.each(['Now run them', 'Now, what is a monad?', 'OK now explain the second step', 'And now write the tests', 'Now that I have Node, how do I install npm?'])(
    'a timeless question stays servable: %s',
    (text) => {
      expect(analyseQuestion(text).time, text).toBeUndefined();
      expect(judge(text, text).match, text).toBe(true);
    },
  );

  it.each(['Who is the president now?', 'What is 3 days from now?', 'Is it raining now?', 'Now what time is it?', 'What is bitcoin worth now?'])(
    'a "now" about the time still is one: %s',
    (text) => expect(analyseQuestion(text).time, text).toBeDefined(),
  );
});

describe('live facts without a word of time', () => {
  // Rankings over a world that changes, counts that grow, who holds something now, what is new.
  it.each([
    'Who is the CEO of OpenAI?', 'What is the price of bitcoin?', 'Is GitHub down?', 'latest version of node', 'how many days until Christmas',
    "what's the weather like in Paris", 'score of the Lakers game', 'Who is the richest person in the world?',
    'What is the tallest building in the world?', 'What is the fastest car ever made?', 'Who owns Twitter?', 'Which company owns Instagram?',
    'Who runs OpenAI?', 'Which team does Messi play for?', 'How many subscribers does MrBeast have?', 'How many albums does Taylor Swift have?',
    'How many users does Slack have?', 'What is the most popular programming language?', 'Which country has won the most World Cups?',
    "What's new in Python 3.13?", 'When will GTA 6 come out?', 'What is the current LTS of Node?', 'What is the status of the Artemis mission?',
    'Who has the most followers on Instagram?', 'What is the best-selling car?',
    // States of people, laws and products that change; wages; records; what is on now.
    'Is Taylor Swift married?', 'Is TikTok banned in the US?', 'Is Windows 10 supported?', 'Is weed legal in Texas?',
    'What is the minimum wage in California?', 'What is the record for the 100m?', 'Who has the fastest 100m time?',
    'Who is the head of state of Canada?', 'What movies are playing?', 'What are the top songs?', "What's on TV?", 'Is it half past two?',
  ])('%s', (text) => {
    expect(analyseQuestion(text).time, text).toBeDefined();
    expect(judge(text, text).match, text).toBe(false);
  });

  it.each([
    'How many legs does a spider have?', 'What are the rules of chess?', 'What is lead poisoning?', 'How do I lose weight?', 'How can I win at chess?',
    'What does HTTP status code 404 mean?', 'Who was the richest person in the world in 1990?', 'What is the best way to sort a list in Python?',
    'What is the best idea you have ever had?', 'Is a single quote valid in JSON?', 'What does top do in Linux?',
  ])('a timeless question stays servable: %s', (text) => expect(analyseQuestion(text).time, text).toBeUndefined());
});

describe('languages read as written are still read for time', () => {
  it.each(['¿Qué hora es?', '¿Cuál es el precio del bitcoin hoy?', 'Che ore sono adesso?', 'Hoe laat is het nu?', 'Какая сегодня погода?', '现在几点？', '今日の天気は？', '지금 몇 시예요?', 'Que horas são agora?'])(
    '%s',
    (text) => {
      expect(analyseQuestion(text).language, text).toBe('other');
      expect(analyseQuestion(text).time, text).toBeDefined();
      expect(judge(text, text).match, text).toBe(false);
    },
  );

  it.each(['¿Qué es una mónada?', 'Что такое монада?', 'モナドとは何ですか', '什么是单子？'])('a timeless one is still served word for word: %s', (text) => {
    expect(analyseQuestion(text).time, text).toBeUndefined();
    expect(judge(text, text).match, text).toBe(true);
  });
});

describe('L1a reads the time of any text it may keep', () => {
  const pasted = `Some pasted material.\n${'const total = items.reduce((sum, item) => sum + item.size, 0);\n'.repeat(50)}`;
  it('past the length L1b compares, from its start and end; code fences are no question', () => {
    expect(textIsTimeDependent(`${pasted}\nWhat is the weather in Paris today?`)).toBe(true);
    expect(textIsTimeDependent(`What time is it in Tokyo? ${pasted}`)).toBe(true);
    expect(textIsTimeDependent(`${pasted}\nWhat does this code do?`)).toBe(false);
    expect(textIsTimeDependent(`Explain this code:\n\`\`\`js\nconst now = Date.now(); // today\n${'x();\n'.repeat(600)}\`\`\``)).toBe(false);
  });
});

describe('ability and permission are not requests', () => {
  it.each([
    ['Can you translate Klingon?', 'Translate Klingon'],
    ['Can you summarize PDFs?', 'Summarize PDFs'],
    ['Could you list files?', 'List files'],
    ['How can I refuse?', 'How do I refuse?'],
    ['How can I help?', 'How do I help?'],
    ['How can I help you?', 'How do I help you?'],
    ['How can I not love you?', 'How do I not love you?'],
  ])('%s | %s', (a, b) => expect(either(a, b)).toBe(false));

  it.each([
    ['Can you translate this into German?', 'Translate this into German'],
    ['Can you explain recursion?', 'Explain recursion'],
    ['Could you summarise the following paragraph?', 'Summarise the following paragraph'],
    ['Can you draft a letter to my landlord?', 'Draft a letter to my landlord'],
    ['How can I lose weight?', 'How do I lose weight?'],
    ['How can I sleep better?', 'How do I sleep better?'],
  ])('a request is still one: %s | %s', (a, b) => expect(both(a, b)).toBe(true));
});

describe('French "c\'est quoi X" = "qu\'est-ce que X"', () => {
  it.each([
    ["Bonjour, c'est quoi la photosynthèse ?", "Qu'est-ce que la photosynthèse ?"],
    ["C'est quoi une monade ?", "Qu'est-ce qu'une monade ?"],
    ["C'est quoi l'ADN ?", "Qu'est-ce que c'est que l'ADN ?"],
  ])('%s | %s', (a, b) => expect(both(a, b)).toBe(true));

  it.each([
    ["C'est quoi la photosynthèse ?", "Qu'est-ce que la respiration ?"],
    ["Qu'est-ce que tu fais ?", "C'est quoi tu fais ?"],
    ["C'est quoi une monade ?", "Qu'est-ce que la monade ?"],
  ])('another question stays another: %s | %s', (a, b) => expect(either(a, b)).toBe(false));
});
