// Client faults, round 6, for each caller path (chat completions, Anthropic messages, Responses): JSON
// with a valid prefix and junk after it, bodies that are JSON but not an object, NaN and Infinity (which
// JSON has not), UTF-16 bodies without a BOM, a multipart post, an empty body, stacked or unknown content
// codings, chunk extensions on a chunked body, and a request with 2,000 headers. Each refused one is a
// 4xx in the caller's protocol that reaches no provider, and the gateway serves the next client.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCallerError, paths, requestBody, type Caller } from './fault-matrix-check.js';
import { rawExchange } from './raw-exchange.js';
import { startHarness, userMessage, type Harness } from './harness.js';

const callers: Caller[] = ['chat', 'messages', 'responses'];

const bodyOf = (answer: string): string => answer.slice(answer.indexOf('\r\n\r\n') + 4);
const statusOf = (answer: string): number => Number(/^HTTP\/1\.1 (\d{3}) /.exec(answer)?.[1] ?? 0);

describe('client faults, round 6', () => {
  let harness: Harness;
  let port: number;
  beforeAll(async () => {
    harness = await startHarness({});
    port = Number(new URL(harness.url).port);
  });
  afterAll(() => harness.close());

  /** One request on its own connection (Connection: close), the whole answer as text. */
  const send = (caller: Caller, headers: string[], body: Buffer | string): Promise<string> =>
    rawExchange(port, (socket) => {
      const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
      const head = [`POST ${paths[caller]} HTTP/1.1`, 'Host: x', 'anthropic-version: 2023-06-01', 'Connection: close', ...headers];
      if (!headers.some((line) => /^transfer-encoding:/i.test(line))) head.push(`Content-Length: ${bytes.length}`);
      socket.write(Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`), bytes]));
    });

  const refused = async (caller: Caller, headers: string[], body: Buffer | string, status: number | RegExp = /^4\d\d$/): Promise<string> => {
    const before = harness.upstreamChatCalls();
    const answer = await send(caller, headers, body);
    if (typeof status === 'number') expect(statusOf(answer), answer.slice(0, 300)).toBe(status);
    else expect(String(statusOf(answer)), answer.slice(0, 300)).toMatch(status);
    expect(isCallerError(caller, bodyOf(answer)), bodyOf(answer).slice(0, 300)).toBe(true);
    await harness.gateway.drained();
    expect(harness.upstreamChatCalls()).toBe(before);
    expect((await harness.chat(userMessage(`still serving ${Math.random()}`))).status).toBe(200);
    return bodyOf(answer);
  };

  for (const caller of callers) {
    describe(`on ${paths[caller]}`, () => {
      const json = JSON.stringify(requestBody(caller, false, `round 6 client question for ${caller}`));
      const jsonType = 'Content-Type: application/json';

      for (const [label, body] of [
        ['junk after a whole JSON object', `${json}garbage`],
        ['a second JSON object after the first', `${json} {"model":"other"}`],
        ['a JSON object cut short', json.slice(0, -3)],
        ['NaN for max_tokens (JSON has no NaN)', json.replace(/^\{/, '{"max_tokens":NaN,')],
        ['Infinity for temperature', json.replace(/^\{/, '{"temperature":Infinity,')],
        ['single quotes instead of double', json.replace(/"/g, "'")],
        ['a trailing comma', json.replace(/\}$/, ',}')],
      ] as const) {
        it(`${label}: 400 in the caller's protocol, nothing forwarded`, async () => {
          const message = await refused(caller, [jsonType], body, 400);
          expect(message).toMatch(/JSON/i);
        });
      }

      for (const [label, body] of [
        ['a JSON array', `[${json}]`],
        ['a JSON string', JSON.stringify(json)],
        ['a number', '42'],
        ['null', 'null'],
        ['true', 'true'],
      ] as const) {
        it(`a body that is ${label}, not an object: 400 in the caller's protocol, nothing forwarded`, async () => {
          await refused(caller, [jsonType], body, 400);
        });
      }

      it('an empty body, and one of only whitespace: 400 in the caller\'s protocol', async () => {
        await refused(caller, [jsonType], '', 400);
        await refused(caller, [jsonType], ' \r\n\t ', 400);
      });

      it('UTF-16LE without a BOM (labelled charset=utf-16 or not): 400 saying to send UTF-8, nothing forwarded', async () => {
        const utf16 = Buffer.from(json, 'utf16le');
        const message = await refused(caller, [jsonType], utf16, /^4(00|15)$/);
        expect(message).toMatch(/UTF-8|JSON/i);
        await refused(caller, ['Content-Type: application/json; charset=utf-16'], utf16, /^4(00|15)$/);
      });

      it('a multipart/form-data post: a 4xx that says to send JSON', async () => {
        const boundary = 'XyZ';
        const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\n${json}\r\n--${boundary}--\r\n`;
        const message = await refused(caller, [`Content-Type: multipart/form-data; boundary=${boundary}`], multipart, /^4(00|15)$/);
        expect(message).toMatch(/JSON/i);
      });

      it('a content coding nobody knows ("compress") is a 415 naming it; "identity" is served', async () => {
        const message = await refused(caller, [jsonType, 'Content-Encoding: compress'], json, 415);
        expect(message).toContain('compress');
        const answer = await send(caller, [jsonType, 'Content-Encoding: identity'], json);
        expect(statusOf(answer), answer.slice(0, 300)).toBe(200);
      });

      it('content codings stacked ("gzip, gzip", compressed twice): decoded and served, or a 415; never forwarded compressed', async () => {
        const before = harness.upstreamChatCalls();
        const answer = await send(caller, [jsonType, 'Content-Encoding: gzip, gzip'], gzipSync(gzipSync(Buffer.from(json))));
        const status = statusOf(answer);
        expect([200, 415], answer.slice(0, 300)).toContain(status);
        await harness.gateway.drained();
        if (status === 200) {
          expect(harness.upstreamChatCalls()).toBe(before + 1);
          expect(harness.fake.requests.at(-1)!.rawBody).toContain(`round 6 client question for ${caller}`);
        } else {
          expect(isCallerError(caller, bodyOf(answer))).toBe(true);
          expect(harness.upstreamChatCalls()).toBe(before);
        }
      });

      it('a chunked body with chunk extensions is read whole and served', async () => {
        const bytes = Buffer.from(json);
        const half = Math.floor(bytes.length / 2);
        const framed = Buffer.concat([
          Buffer.from(`${half.toString(16)};ext=1\r\n`),
          bytes.subarray(0, half),
          Buffer.from(`\r\n${(bytes.length - half).toString(16)};name="quoted"\r\n`),
          bytes.subarray(half),
          Buffer.from('\r\n0\r\n\r\n'),
        ]);
        const answer = await send(caller, [jsonType, 'Transfer-Encoding: chunked'], framed);
        expect(statusOf(answer), answer.slice(0, 300)).toBe(200);
      });
    });
  }

  it('a request with 2,000 small headers: refused (431) or served, and the gateway serves the next client', async () => {
    const json = JSON.stringify(requestBody('chat', false, 'many headers'));
    const answer = await send('chat', ['Content-Type: application/json', ...Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${i}`)], json);
    expect([200, 431]).toContain(statusOf(answer));
    expect((await harness.chat(userMessage(`still serving ${Math.random()}`))).status).toBe(200);
  });
});
