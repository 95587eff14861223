import winkNLP, { type ItsFunction } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { fileExtensions } from './lexicon.js';

/** One token as wink reads it. `normal` is lowercase with contractions expanded ("n't" -> "not"). */
export interface Token {
  value: string;
  normal: string;
  lemma: string;
  /** Universal Dependencies tag: NOUN, PROPN, VERB, AUX, ADP, PART, NUM, PUNCT, SYM... */
  pos: string;
  /** wink's token type: word, number, ordinal, url, email, punctuation, symbol, currency, time... */
  type: string;
  /** First token of a sentence, so its capital letter says nothing about it being a name. */
  sentenceStart: boolean;
}

type Nlp = ReturnType<typeof winkNLP>;
let nlp: Nlp | undefined;

/** Loads the model now rather than on the first question (a gateway with L1b on calls this at start). */
export function loadQuestionReader(): void {
  reader();
}

/** Loaded on first use: the model takes ~100 ms to load, which a gateway without L1b never pays. */
function reader(): Nlp {
  // Only the taggers this module reads: sentence boundaries and parts of speech (which lemmas need).
  nlp ??= winkNLP(model, ['sbd', 'pos']);
  return nlp;
}

/**
 * A cheap index form for text too long to analyse: lowercase letters and digits, one space between
 * words. Contractions are not expanded.
 */
export function roughIndexText(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function tokenise(text: string): Token[] {
  const engine = reader();
  const its = engine.its;
  const tokens = engine.readDoc(text).tokens();
  const values = tokens.out(its.value) as string[];
  const normals = tokens.out(its.normal) as string[];
  const lemmas = tokens.out(its.lemma as unknown as ItsFunction<string>) as string[] // its.lemma's declared signature does not fit out()'s;
  const tags = tokens.out(its.pos) as string[];
  const types = tokens.out(its.type) as string[];
  const out: Token[] = [];
  let sentenceStart = true;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] ?? '';
    const type = types[i] ?? 'word';
    out.push({
      value,
      normal: normals[i] ?? value.toLowerCase(),
      lemma: (lemmas[i] ?? value).toLowerCase(),
      pos: tags[i] ?? 'X',
      type,
      sentenceStart: sentenceStart && type !== 'punctuation',
    });
    if (type === 'punctuation') {
      // Quotes and brackets do not end a sentence; a run of . ! ? does.
      if (/^[.!?…]+$/.test(value)) sentenceStart = true;
    } else {
      sentenceStart = false;
    }
  }
  return out;
}

/** A word without the quote, bracket or dot characters wink leaves on its edges ("x." from "x.com"). */
export function cleanWord(normal: string): string {
  return normal.replace(/\s+/g, '').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}+#]+$/gu, '');
}

/**
 * The form the full-text index stores and searches: lowercase words with contractions expanded,
 * punctuation dropped, one space between words. "What's the capital of France?" ->
 * "what is the capital of france".
 */
export function indexTextOf(tokens: readonly Token[]): string {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.type === 'punctuation') continue;
    const cleaned = token.type === 'word' ? cleanWord(token.normal) : token.normal.replace(/\s+/g, '');
    if (cleaned.length > 0) words.push(cleaned);
  }
  return words.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Things read from the raw text, before tokenisation splits them apart.

const trailingPunctuation = /[.,;:!?)\]}'"’”>]+$/;

const urlPattern =
  /\b(?:(?:https?|ftp):\/\/|www\.)[^\s<>"'`]+|\b(?:[a-z0-9-]{1,63}\.){1,8}(?:com|org|net|io|dev|ai|co|edu|gov|info|biz|me|app|uk|de|fr|us|ly|tv|gg|xyz|ru|cn|jp)(?:\/[^\s<>"'`]*)?(?![\w.])/gi;
const emailPattern = /[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}/g;

/** "HTTPS://Example.com/A/" -> "https://example.com/A": scheme and host are case-insensitive, the path is not. */
export function normaliseUrl(url: string): string {
  const trimmed = url.replace(trailingPunctuation, '');
  const match = /^((?:[a-z]+:\/\/)?[^/?#]*)(.*)$/i.exec(trimmed);
  const head = (match?.[1] ?? trimmed).toLowerCase();
  const rest = (match?.[2] ?? '').replace(/\/$/, '');
  return head + rest;
}

export interface RawItems {
  urls: string[];
  emails: string[];
  /** File paths and file names: "/usr/local/bin", "./a/b", "C:\\x\\y", "app.py". */
  paths: string[];
  /** Code identifiers: backticked spans, foo(), snake_case, dotted.names, camelCase, std::x, --flags, C++ and C#. */
  identifiers: string[];
  /** Text between quotes. */
  quoted: string[];
}

const uniqueInOrder = (items: string[]): string[] => [...new Set(items)];

/**
 * Reads the verbatim things a guard compares exactly, from the text as written: URLs and emails are
 * taken first and blanked so that their dots and slashes are not read again as paths or identifiers.
 */
export function rawItems(text: string): RawItems {
  const urls: string[] = [];
  const emails: string[] = [];
  let rest = !text.includes('@') ? text : text.replace(emailPattern, (email) => {
    emails.push(email.replace(trailingPunctuation, '').toLowerCase());
    return ' ';
  });
  rest = rest.replace(urlPattern, (url) => {
    urls.push(normaliseUrl(url));
    return ' ';
  });

  const quoted: string[] = [];
  const quotePattern = /"([^"\n]{1,300})"|“([^”\n]{1,300})”|‘([^’\n]{1,300})’|«([^»\n]{1,300})»|(?<![\p{L}\p{N}])'([^'\n]{1,300})'(?![\p{L}\p{N}])/gu;
  for (const match of rest.matchAll(quotePattern)) {
    const inner = (match[1] ?? match[2] ?? match[3] ?? match[4] ?? match[5] ?? '').replace(/\s+/g, ' ').trim();
    if (inner.length > 0) quoted.push(inner);
  }

  const identifiers: string[] = [];
  const paths: string[] = [];
  rest = rest.replace(/`([^`\n]+)`/g, (_, inner: string) => {
    const code = inner.trim();
    if (code.length > 0) identifiers.push(code);
    return ' ';
  });
  rest = rest.replace(/(?<![\w.:/\\])(?:~|\.{1,2})?(?:\/[\w.@+~-]+)+\/?|\b[A-Za-z]:\\[^\s"'`<>|]*/g, (path) => {
    paths.push(path.replace(trailingPunctuation, ''));
    return ' ';
  });
  // Quantifiers are bounded ({0,64}, {1,8}) or split a word one way only, so that no pattern can
  // backtrack badly on a long run of characters (a test times them on adversarial input).
  const codePatterns = [
    // calls: foo(), obj.method(x)
    /\b[A-Za-z_$][\w$]{0,64}(?:\.[A-Za-z_$][\w$]{0,64}){0,8}(?=\()/g,
    // scoped names: std::vector, a->b
    /\b\w{1,64}(?:(?:::|->)\w{1,64}){1,8}/g,
    // snake_case, _private, SCREAMING_CASE
    /(?<![\w.])\w{0,64}[A-Za-z0-9]_\w{0,64}|(?<![\w.])_\w{1,64}/g,
    // dotted names: os.path.join, node.js, app.py (a file name)
    /\b[A-Za-z_$][\w$-]{0,64}(?:\.[A-Za-z_$][\w$-]{0,64}){1,8}/g,
    // camelCase: getElementById, iPhone, macOS
    // (each hump is one capital and what follows up to the next capital: one way only to split a word)
    /\b[a-z]+(?:[A-Z][a-z0-9]*)+(?!\w)/g,
    // command-line flags: --force, -v
    /(?<=^|\s)--?[A-Za-z][\w-]{0,64}/g,
    // sigils: $HOME, @Override, #include
    /(?<![\w])[$@#][A-Za-z_]\w{0,64}/g,
  ];
  // Each pattern blanks what it took, so a later pattern cannot take part of it again; this keeps the
  // scan linear in the length of the text.
  const found: Array<[number, string]> = [];
  const pathsFound: Array<[number, string]> = [];
  codePatterns.forEach((pattern, which) => {
    rest = rest.replace(pattern, (match: string, ...args: unknown[]) => {
      const at = args.find((arg): arg is number => typeof arg === 'number') ?? 0;
      if (which === 3) {
        const segments = match.split('.');
        // Abbreviations (e.g, U.S, a.m) are not identifiers.
        if (segments.every((segment) => segment.length <= 1)) return match;
        if (fileExtensions.has(segments.at(-1)?.toLowerCase() ?? '')) {
          pathsFound.push([at, match]);
          return ' '.repeat(match.length);
        }
      }
      found.push([at, which === 0 ? `${match}()` : match]);
      return ' '.repeat(match.length);
    });
  });
  const byPosition = (x: [number, string], y: [number, string]): number => x[0] - y[0];
  identifiers.push(...found.sort(byPosition).map(([, name]) => name));
  paths.push(...pathsFound.sort(byPosition).map(([, name]) => name));
  // Languages whose name is a letter and symbols: C++, C#, F#. Compared case-insensitively.
  for (const match of rest.matchAll(/(?<![\w+#])([A-Za-z])(\+\+|#)(?![\w+#])/g)) identifiers.push(match[0].toLowerCase());

  return {
    urls: uniqueInOrder(urls),
    emails: uniqueInOrder(emails),
    paths: uniqueInOrder(paths),
    identifiers: uniqueInOrder(identifiers),
    quoted: uniqueInOrder(quoted),
  };
}
