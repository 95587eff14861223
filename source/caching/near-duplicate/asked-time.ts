/**
 * Whether the answer to a request depends on when it is asked, for L1a (which never keeps such an answer):
 * read from the question L1b reads, and also where L1b cannot compare (an image beside the text, a
 * question longer than maxQuestionLength), since L1a serves those too, byte for byte.
 */
import { analyseQuestion, maxQuestionLength } from './question.js';
import { askedText, questionOf } from './scope.js';

/** How much of a long text's start and end is read: the instruction is usually there, around pasted material. */
const edge = 1000;

/** The time dependence of a text of any length (code fences aside: `Date.now()` in pasted code asks nothing). */
export function textIsTimeDependent(text: string): boolean {
  if (text.length <= maxQuestionLength) return analyseQuestion(text).time !== undefined;
  const prose = text.replace(/```[\s\S]*?(?:```|$)/g, ' ').trim();
  if (prose.length <= maxQuestionLength) return prose.length > 0 && analyseQuestion(prose).time !== undefined;
  const head = prose.slice(0, edge).replace(/\s+\S*$/u, '');
  const tail = prose.slice(-edge).replace(/^\S*\s+/u, '');
  return analyseQuestion(head).time !== undefined || analyseQuestion(tail).time !== undefined;
}

/** The request's question (or the user's text beside an image) is time-dependent. `question` when the caller already found it. */
export function askedIsTimeDependent(body: Record<string, unknown>, question = questionOf(body)): boolean {
  const text = question ?? askedText(body);
  return text !== undefined && textIsTimeDependent(text);
}
