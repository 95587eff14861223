/** Facts the simulated provider knows, so that a near-miss ("of Germany") gets its own, different answer. */
const facts: ReadonlyArray<readonly [RegExp, string]> = [
  [/capital of france/i, 'The capital of France is Paris.'],
  [/capital of germany/i, 'The capital of Germany is Berlin.'],
  [/capital of italy/i, 'The capital of Italy is Rome.'],
  [/wrote hamlet/i, 'Hamlet was written by William Shakespeare, around 1600.'],
  [/wrote faust/i, 'Faust was written by Johann Wolfgang von Goethe.'],
  [/boiling point of water/i, 'At sea level, water boils at 100 degrees Celsius (212 degrees Fahrenheit).'],
  [/freezing point of water/i, 'At sea level, water freezes at 0 degrees Celsius (32 degrees Fahrenheit).'],
  [/largest planet/i, 'Jupiter is the largest planet in the solar system.'],
  [/smallest planet/i, 'Mercury is the smallest planet in the solar system.'],
  [/reverse a list in python|reverse a python list/i, 'Use my_list.reverse() to reverse in place, or my_list[::-1] for a reversed copy.'],
  [/sort a list in python|sort a python list/i, 'Use my_list.sort() to sort in place, or sorted(my_list) for a sorted copy.'],
];

const internalContextMarker = '<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>';

/** The simulated answer to a conversation: a known fact, a note about a tool result, or an echo. Always marked as simulated. */
export function simulatedAnswer(messages: ReadonlyArray<{ role: string; content: unknown }>): string {
  const last = [...messages].reverse().find((message) => message.role === 'tool' || (message.role === 'user' && !textOf(message.content).includes(internalContextMarker)));
  if (last?.role === 'tool') return '[simulated answer] The command finished; the log shows the packages were installed without errors.';
  const asked = textOf(last?.content).replace(/^\[[^\]]*\] ?/, '').replace(/\n\nRuntime: .*$/s, '');
  const fact = facts.find(([pattern]) => pattern.test(asked));
  return `[simulated answer] ${fact ? fact[1] : `You asked: ${asked}`}`;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? '').join('');
  return '';
}
