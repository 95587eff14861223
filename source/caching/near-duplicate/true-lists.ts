/**
 * Reordering a true list: "cats and dogs" asks what "dogs and cats" asks; "Python or Java" what "Java or
 * Python" asks. A true list here is two or more items joined by commas and one "and"/"or"/"vs", each item a
 * single noun or adjective or one name (with an article at most), nothing modifying the list as a whole
 * from before or after it ("red apples and pears", "apple and pear trees" are not lists of their items),
 * and no number or code among the items. Never reordered: phrases with prepositions ("Windows at work and
 * Linux at home") or verbs; names or acronyms set against each other with "vs" (a fixture: "Arsenal vs
 * Chelsea" is played at Arsenal's ground, "PSG vs OM" in Paris); items joined by "and" after a noun and
 * "of" (the arguments of an operation: "the commutator of position and momentum"); any list in a question that points at an
 * item by its place ("the former", "respectively", "the first one") or relates the items in order ("the
 * ratio of boys and girls"), or whose words make the order part of what is asked ("in that order",
 * "reverse", "concatenate", "initials", a flag's stripes). The order-free form sorts each such list's items; question.ts accepts it only
 * when nothing else differs (the same words, in the same places outside the lists).
 */
import { listConjunctions } from './english-lexicon.js';
import { isWord, renderForm, type FormToken } from './form-token.js';

interface Span {
  start: number;
  end: number;
}

const nominal = new Set(['NOUN', 'PROPN']);
const modifierBefore = new Set(['NOUN', 'PROPN', 'ADJ', 'NUM']);

function classOf(tokens: readonly FormToken[], span: Span): 'nominal' | 'adjective' | undefined {
  const head = tokens[span.end - 1]!;
  if (head.kind === 'name' || head.kind === 'acronym') return 'nominal';
  if (head.kind !== 'word') return undefined;
  if (nominal.has(head.pos)) return 'nominal';
  return head.pos === 'ADJ' ? 'adjective' : undefined;
}

/** The item ending just before `end`: one word, or a run of names, with "a"/"the" before it. */
function itemEndingAt(tokens: readonly FormToken[], end: number): Span | undefined {
  let start = end - 1;
  const last = tokens[start];
  if (!last || !['word', 'name', 'acronym'].includes(last.kind)) return undefined;
  if (last.kind === 'name') while (start > 0 && tokens[start - 1]!.kind === 'name' && !tokens[start - 1]!.commaAfter) start--;
  if (isWord(tokens[start - 1], 'a', 'the')) start--;
  return { start, end };
}

/** The item starting at `start`: the mirror of itemEndingAt. */
function itemStartingAt(tokens: readonly FormToken[], start: number): Span | undefined {
  let end = start;
  if (isWord(tokens[end], 'a', 'the')) end++;
  const first = tokens[end];
  if (!first || !['word', 'name', 'acronym'].includes(first.kind)) return undefined;
  end++;
  if (first.kind === 'name') while (end < tokens.length && tokens[end]!.kind === 'name' && !tokens[end - 1]!.commaAfter) end++;
  return { start, end };
}

/** Each true list's items, in the order written. */
export function findTrueLists(tokens: readonly FormToken[]): Span[][] {
  const lists: Span[][] = [];
  tokens.forEach((token, c) => {
    if (!isWord(token) || !listConjunctions.has(token.text)) return;
    const right = itemStartingAt(tokens, c + 1);
    const nearest = itemEndingAt(tokens, c);
    if (!right || !nearest) return;
    const items = [nearest];
    // Further items to the left, each followed by a comma.
    // Further items to the left, each followed by a comma and of the same kind ("bigger, Canada or Russia" has two).
    for (let item = itemEndingAt(tokens, nearest.start); item && tokens[item.end - 1]!.commaAfter && classOf(tokens, item) === classOf(tokens, nearest); item = itemEndingAt(tokens, item.start)) {
      items.unshift(item);
    }
    items.push(right);
    const versus = token.text === 'vs' || token.text === 'versus';
    if (versus && items.length !== 2) return;
    // Names joined by "and" may be one title ("Crime and Punishment", "War and Peace"); a choice ("or", "vs") never is.
    if (token.text === 'and' && items.some((item) => tokens.slice(item.start, item.end).some((t) => t.kind === 'name' || t.kind === 'acronym'))) return;
    // Names set against each other may be a fixture or a case, where the first is the home side or the plaintiff.
    if (versus && items.some((item) => tokens.slice(item.start, item.end).some((t) => t.kind === 'name' || t.kind === 'acronym'))) return;
    // "The commutator of position and momentum", "the cross product of u and v", "the difference of x and y":
    // the items a noun takes after "of" are its arguments, and an operation may take them in order.
    if (token.text === 'and' && isWord(tokens[items[0]!.start - 1], 'of') && nominal.has(tokens[items[0]!.start - 2]?.pos ?? '')) return;
    const classes = new Set(items.map((item) => classOf(tokens, item)));
    if (classes.size !== 1 || classes.has(undefined)) return;
    const before = tokens[items[0]!.start - 1];
    const after = tokens[right.end];
    if (before && (before.kind === 'name' || before.kind === 'number' || (before.kind === 'word' && modifierBefore.has(before.pos) && !before.commaAfter))) return;
    if (after && (after.kind === 'name' || after.kind === 'number' || (after.kind === 'word' && (nominal.has(after.pos) || after.text === 'respectively')))) return;
    lists.push(items);
  });
  return lists;
}

/** The form with every true list's items sorted; `form` (the rendered tokens) when there is none. */
export function orderFreeForm(tokens: readonly FormToken[], form: string): string {
  if (!tokens.some((token) => isWord(token) && listConjunctions.has(token.text))) return form;
  if (refersToPosition(tokens)) return form;
  const lists = findTrueLists(tokens);
  if (lists.length === 0) return form;
  const out = tokens.map((token) => ({ ...{}, ...token, commaAfter: false }));
  const rendered = [...out];
  for (const items of lists) {
    const texts = items.map((item) => renderForm(tokens.slice(item.start, item.end)));
    const sorted = [...texts].sort();
    items.forEach((item, k) => {
      rendered[item.start] = { ...{}, ...rendered[item.start]!, kind: 'rewrite', text: `item(${sorted[k]})` };
      for (let i = item.start + 1; i < item.end; i++) rendered[i] = { ...{}, ...rendered[i]!, kind: 'rewrite', text: '' };
    });
  }
  return renderForm(rendered.filter((token) => !(token.kind === 'rewrite' && token.text === '')));
}

/** Words that point at an item by its place in the list: "the former", "respectively", "the first one". */
const positionWords = new Set(['former', 'latter', 'respectively', 'formerly', 'latterly']);
/** Relations whose terms come in an order: "the ratio of boys and girls" is 2:1 where "of girls and boys" is 1:2. */
const orderedRelations = new Set(['ratio', 'ratios', 'proportion', 'quotient', 'minus', 'divided', 'divide', 'subtract', 'subtracted', 'percentage', 'percent', 'odds']);
const ordinals = new Set(['first', 'second', 'third', 'last', 'other']);
/**
 * Words that make the written order part of what is asked: the order itself ("in that order", "then"),
 * operations on a sequence (reverse, concatenate, join, append, compose, initials, an acronym, a
 * translation or spelling given item by item), and arrangements read in order (a flag's stripes or a
 * country's colours: "white and red" is Poland, "red and white" Indonesia). A question holding one keeps
 * its lists as written.
 */
const orderWords = new Set([
  'order', 'orders', 'ordered', 'ordering', 'sequence', 'sequences', 'sequential', 'then', 'followed', 'preceded',
  'initials', 'acronym', 'acronyms', 'abbreviation',
  'reverse', 'reversed', 'reversing', 'backwards', 'backward', 'concatenate', 'concatenated', 'concatenation', 'join', 'joined', 'joining',
  'append', 'appended', 'prepend', 'prepended', 'compose', 'composed', 'composition', 'chain', 'chained', 'pipe', 'piped',
  'number', 'numbered', 'flag', 'flags', 'stripe', 'stripes', 'striped', 'band', 'bands', 'tricolour', 'tricolor', 'top', 'bottom',
  'colours', 'colors',
  // Operations whose answer follows the written order item by item: "cat and dog" translates to "gato y perro".
  'translate', 'translated', 'translating', 'translation', 'spell', 'spelled', 'spelt', 'pronounce', 'transliterate', 'encode',
  'encrypt', 'decode', 'decrypt',
  // Keys in an order: "sort by name and age" sorts by name first; a composite index or key, a zip, a diff.
  'sort', 'sorts', 'sorted', 'sorting', 'group', 'grouped', 'grouping', 'rank', 'ranked', 'ranking', 'partition', 'partitioned',
  'index', 'indexes', 'indices', 'composite', 'zip', 'zipped', 'diff', 'nest', 'nested',
]);

/** Whether the question refers to a list item by its position, or relates the items in order: reordering would change the answer. */
function refersToPosition(tokens: readonly FormToken[]): boolean {
  // Material after a colon is kept as written (verbatim) and read here too: "Python or Java: which is the first one?".
  // A capitalised verb opening an imperative is read as a name ("Group by country and city"): read it too.
  const text = (token: FormToken | undefined): string => (token && (token.kind === 'word' || token.kind === 'verbatim' || token.kind === 'name') ? token.text.toLowerCase() : '');
  return tokens.some((token, i) => {
    const word = text(token);
    return positionWords.has(word) || orderedRelations.has(word) || orderWords.has(word) || (ordinals.has(word) && text(tokens[i - 1]) === 'the');
  });
}
