import { expect } from 'vitest';
import { bodyFor, instructionsOf, outputsOf, type Json, type Protocol, type ToolTurn, type Turn } from './audit-bodies.js';

/**
 * The one rule the adversarial audits (round 3 on) check every conversation by: each tool output arrives
 * byte for byte (or, when it is a terminal drawing, as its final screen), or as a reference to the previous
 * call of the same tool with the same arguments, whose output was the very same text (and, in Anthropic,
 * the same error flag); every instruction line arrives at least once, and a reference's quoted start names
 * one text.
 */

interface Call {
  index: number;
  name: string;
  args: string;
  output: string;
  turn: ToolTurn | undefined;
}

const toolTurns = (turns: Turn[]): Call[] =>
  turns.flatMap((turn, index): Call[] =>
    'tool' in turn
      ? [{ index, name: turn.tool.name, args: JSON.stringify(turn.tool.args), output: turn.tool.output, turn: turn.tool }]
      : 'patch' in turn
        ? [{ index, name: 'apply_patch', args: JSON.stringify({ input: turn.patch.input }), output: turn.patch.output, turn: undefined }]
        : [],
  );

const reference = /^\[tool call (\S+) printed exactly the same output as the previous (\S+) call with the same arguments above \(tool call \S*_(\d+)\)\]$/u;
const textReference = /\[(paragraph|text) repeated verbatim from an earlier message: "([^"]*)…"\]/gu;
/** Cyrillic and Greek letters that look like a Latin one (lower case, after folding case), written independently of the trimmer's table. */
const lookAlike: Record<string, string> = { а: 'a', в: 'b', е: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', α: 'a', β: 'b', ε: 'e', ζ: 'z', η: 'h', ι: 'i', κ: 'k', μ: 'm', ν: 'n', ο: 'o', ρ: 'p', τ: 't', υ: 'y', χ: 'x' };
/** How a reader sees a start: compatibility forms, case, look-alike letters, quote marks and dashes folded, invisible format characters gone, spaces collapsed. */
const asRead = (text: string): string =>
  [...text
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .toLowerCase()]
    .map((char) => lookAlike[char] ?? char)
    .join('')
    .replace(/[‘’‚‛′`´]/gu, "'")
    .replace(/[“”„‟″«»]/gu, '"')
    .replace(/[‐‑‒–—―−]/gu, '-')
    .replace(/\s+/gu, ' ')
    .trim();

/**
 * `places`: other texts the model reads that a reference's quote could be taken for (the request's tool
 * descriptions: many chat templates put them into the system prompt, Anthropic before it).
 */
export function expectFaithful(protocol: Protocol, turns: Turn[], sent: Json, drawn: ReadonlyMap<string, string> = new Map(), places: readonly string[] = []): string[] {
  const calls = toolTurns(turns);
  const outputs = outputsOf(protocol, sent);
  expect(outputs).toHaveLength(calls.length);
  outputs.forEach((text, k) => {
    const call = calls[k]!;
    const original = call.turn?.shape === 'absent' ? '' : call.output;
    // As it came, or (a terminal drawing) as its final screen.
    if (text === original || (drawn.has(original) && text === drawn.get(original))) return;
    const match = reference.exec(text);
    expect(match, `output ${k} (${call.name}) changed:\n${JSON.stringify(original).slice(0, 400)}\n->\n${JSON.stringify(text).slice(0, 400)}`).not.toBeNull();
    // Codex's apply_patch outputs are never trimmed.
    expect(protocol === 'responses' && call.turn === undefined).toBe(false);
    const previous = calls.slice(0, k).filter((earlier) => earlier.name === call.name && earlier.args === call.args).at(-1);
    expect(previous, `output ${k} refers to a previous call that does not exist`).toBeDefined();
    expect(Number(match![3]), `output ${k} refers past the previous call of the same tool and arguments`).toBe(previous!.index);
    expect(previous!.output, `output ${k} refers to a call that printed something else`).toBe(original);
    expect(previous!.turn?.shape ?? 'string').not.toBe('absent');
    expect(call.turn?.image ?? '').toBe('');
    if (protocol === 'anthropic') expect(previous!.turn?.error ?? false, `output ${k} refers to a result with another error flag`).toBe(call.turn?.error ?? false);
  });
  // Every instruction line is there at least once; every reference names one text by its whole words.
  const before = instructionsOf(protocol, bodyFor(protocol, turns));
  const after = instructionsOf(protocol, sent);
  const corpus = after.join('\n');
  for (const text of before) for (const line of text.split('\n')) if (line.trim() !== '') expect(corpus, `instruction line lost: ${line}`).toContain(line);
  // A paragraph reference names a paragraph (a text's first paragraph included), a text reference a whole text;
  // a tool output's paragraphs count as places for both (the model could take the quote for one of them).
  const toolOutputs = [...calls.map((call) => call.output), ...places];
  const paragraphs = [...before, ...toolOutputs].flatMap((text) => text.split(/\n\s*\n/u)).map(asRead);
  const wholes = [...before.map(asRead), ...toolOutputs.flatMap((text) => [text, ...text.split(/\n\s*\n/u)]).map(asRead)];
  for (const [whole, kind, quote] of corpus.matchAll(textReference)) {
    const words = asRead(quote!).replace(/\s\S*$/u, '');
    const places = kind === 'paragraph' ? paragraphs : wholes;
    expect(new Set(places.filter((place) => place.startsWith(words))).size, `${whole} could name more than one text`).toBe(1);
  }
  return outputs;
}
