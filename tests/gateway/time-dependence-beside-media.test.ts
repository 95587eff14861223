import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

// L1a never keeps an answer that depends on when the question was asked, also where L1b does not compare:
// a question with an image beside it, or one longer than L1b reads. Both with L1b on and with it off, in
// the three caller protocols. A plain question in the same shape still hits L1a (the check is not a blanket).
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
type Protocol = 'openai' | 'anthropic' | 'responses';

function body(protocol: Protocol, text: string, image: boolean): { path: string; payload: unknown } {
  if (protocol === 'openai') {
    const content = image ? [{ type: 'text', text }, { type: 'image_url', image_url: { url: `data:image/png;base64,${pixel}` } }] : text;
    return { path: '/v1/chat/completions', payload: { model: 'fake-model', messages: [{ role: 'user', content }] } };
  }
  if (protocol === 'anthropic') {
    const content = image ? [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } }, { type: 'text', text }] : text;
    return { path: '/v1/messages', payload: { model: 'fake-model', max_tokens: 50, messages: [{ role: 'user', content }] } };
  }
  const content = [{ type: 'input_text', text }, ...(image ? [{ type: 'input_image', image_url: `data:image/png;base64,${pixel}` }] : [])];
  return { path: '/v1/responses', payload: { model: 'fake-model', input: [{ type: 'message', role: 'user', content }] } };
}

async function layerOf(protocol: Protocol, text: string, image: boolean): Promise<string> {
  const { path, payload } = body(protocol, text, image);
  const response = await fetch(`${harness!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(payload),
  });
  await response.arrayBuffer();
  return `${response.headers.get('x-isartor-layer')}/${response.headers.get('x-isartor-cache')}`;
}

const pasted = `Here is my server log:\n${'GET /index.html 200 OK served from the static handler\n'.repeat(60)}`;
const cases: Array<{ name: string; text: string; image: boolean; timeDependent: boolean }> = [
  { name: 'image + the weather now', text: 'What is the weather like here right now?', image: true, timeDependent: true },
  { name: 'image + is it open', text: 'Is this shop open today?', image: true, timeDependent: true },
  { name: 'image + a timeless question', text: 'What breed is this dog?', image: true, timeDependent: false },
  // OpenClaw's stamp is the client's clock, not a question about the time.
  { name: 'image + a stamped timeless question', text: '[Sat 2026-11-21 19:08 UTC] What colour is this car?', image: true, timeDependent: false },
  { name: 'long + a time question at the end', text: `${pasted}\nWhat is the current price of bitcoin?`, image: false, timeDependent: true },
  { name: 'long + a time question at the start', text: `What time is it in Tokyo? ${pasted}`, image: false, timeDependent: true },
  { name: 'long + a timeless question', text: `${pasted}\nWhich status codes appear in this log?`, image: false, timeDependent: false },
];

describe('a time-dependent question L1b does not compare is kept by no cache', () => {
  for (const l1b of [true, false]) {
    for (const protocol of ['openai', 'anthropic', 'responses'] as const) {
      it(`${protocol}, L1b ${l1b ? 'on' : 'off'}: byte-identical repeats go upstream again; timeless ones hit L1a`, async () => {
        harness = await startHarness(l1b ? { nearDuplicateCache: {} } : {});
        expect(pasted.length).toBeGreaterThan(2000);
        for (const { name, text, image, timeDependent } of cases) {
          expect(await layerOf(protocol, text, image), name).toBe('l3/miss');
          expect(await layerOf(protocol, text, image), name).toBe(timeDependent ? 'l3/miss' : 'l1a/hit');
        }
      }, 60_000);
    }
  }
});
