import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';
import { layerOf as layerOfResponse, sendIn, type Protocol } from './protocol-probe.js';

// The same last user words in conversations that differ where the question does not show it: an
// assistant prefill after the question (the answer must continue it), an image in an earlier turn, an
// earlier turn that states where the other asks ("It compiles." / "It compiles?"), and a line break in the
// question. The second request must reach the provider (neither L1a nor L1b may answer it); the control,
// the same conversation with the question reworded, is served by L1b. Chat, Anthropic and Responses.
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Body = Record<string, unknown>;
const pixel = `data:image/png;base64,${Buffer.from('png-red').toString('base64')}`;

async function layerOf(protocol: Protocol, body: Body): Promise<string> {
  return layerOfResponse(await sendIn(harness!.url, protocol, body));
}

interface Turn {
  role: 'user' | 'assistant';
  text: string;
  image?: boolean;
}

/** A conversation in the caller's protocol. */
function conversation(protocol: Protocol, turns: Turn[]): Body {
  if (protocol === 'openai') {
    const messages = turns.map((turn) => ({
      role: turn.role,
      content: turn.image ? [{ type: 'text', text: turn.text }, { type: 'image_url', image_url: { url: pixel } }] : turn.text,
    }));
    return { model: 'fake-model', messages };
  }
  if (protocol === 'anthropic') {
    const messages = turns.map((turn) => ({
      role: turn.role,
      content: turn.image ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: Buffer.from('png-red').toString('base64') } }, { type: 'text', text: turn.text }] : turn.text,
    }));
    return { model: 'fake-model', max_tokens: 50, messages };
  }
  const input = turns.map((turn) =>
    turn.role === 'user'
      ? { type: 'message', role: 'user', content: [{ type: 'input_text', text: turn.text }, ...(turn.image ? [{ type: 'input_image', image_url: pixel }] : [])] }
      : { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: turn.text }] },
  );
  return { model: 'fake-model', input };
}

interface Case {
  name: string;
  base: Turn[];
  changed: Turn[];
  /** The base with its last user words reworded: L1b serves it (undefined: no control, the base is no plain question). */
  reworded?: Turn[];
}

const cases = (i: number): Case[] => {
  const question = `How do I undo the last git commit, case ${i}?`;
  const reworded = `how can I undo the last git commit, case ${i}`;
  return [
    {
      name: 'an assistant prefill after the question',
      base: [{ role: 'user', text: question }],
      changed: [{ role: 'user', text: question }, { role: 'assistant', text: 'Run git reset --hard' }],
      reworded: [{ role: 'user', text: reworded }],
    },
    {
      name: 'an image in an earlier turn',
      base: [{ role: 'user', text: 'Here is my terminal.' }, { role: 'assistant', text: 'I see it.' }, { role: 'user', text: question }],
      changed: [{ role: 'user', text: 'Here is my terminal.', image: true }, { role: 'assistant', text: 'I see it.' }, { role: 'user', text: question }],
      reworded: [{ role: 'user', text: 'Here is my terminal.' }, { role: 'assistant', text: 'I see it.' }, { role: 'user', text: reworded }],
    },
    {
      name: 'an earlier turn that states where the other asks',
      base: [{ role: 'user', text: 'It compiles.' }, { role: 'assistant', text: 'Good.' }, { role: 'user', text: question }],
      changed: [{ role: 'user', text: 'It compiles?' }, { role: 'assistant', text: 'Good.' }, { role: 'user', text: question }],
      reworded: [{ role: 'user', text: 'It compiles.' }, { role: 'assistant', text: 'Good.' }, { role: 'user', text: reworded }],
    },
    {
      name: 'the last words as a statement, not a question',
      base: [{ role: 'user', text: `The last commit is undone, case ${i}?` }],
      changed: [{ role: 'user', text: `The last commit is undone, case ${i}.` }],
    },
    {
      name: 'material after a colon, one mark apart',
      base: [{ role: 'user', text: `Translate to German, case ${i}: you are tired?` }],
      changed: [{ role: 'user', text: `Translate to German, case ${i}: you are tired.` }],
    },
    {
      name: 'a line break in the material',
      base: [{ role: 'user', text: `Count the lines, case ${i}: roses are red violets are blue` }],
      changed: [{ role: 'user', text: `Count the lines, case ${i}: roses are red\nviolets are blue` }],
    },
  ];
};

describe('the same last words in another conversation, or one mark apart', () => {
  for (const protocol of ['openai', 'anthropic', 'responses'] as const) {
    it(`goes to the provider, and the rewording is served (${protocol})`, async () => {
      harness = await startHarness({ nearDuplicateCache: {} });
      const wrong: string[] = [];
      for (const [i, item] of cases(1).entries()) {
        expect(await layerOf(protocol, conversation(protocol, item.base)), item.name).toBe('200 l3');
        const changed = await layerOf(protocol, conversation(protocol, item.changed));
        if (changed !== '200 l3') wrong.push(`${i} ${item.name}: ${changed}`);
        if (item.reworded) expect(await layerOf(protocol, conversation(protocol, item.reworded)), item.name).toBe('200 l1b');
      }
      expect(wrong).toEqual([]);
    });
  }
});
