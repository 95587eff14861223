// The provider's declared charset (declared-charset.ts): valid UTF-8 stays as it is whatever the label says
// (JSON and SSE are UTF-8 by their specs; servers label ISO-8859-1 by default), and only bytes that cannot be
// UTF-8 are decoded by a declared other charset, however the chunks cut them.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inUtf8, validUtf8Prefix } from '../../source/gateway/declared-charset.js';

async function through(contentType: string | undefined, chunks: Buffer[]): Promise<string> {
  const source = new PassThrough();
  const out = inUtf8(source, contentType);
  const got: Buffer[] = [];
  out.on('data', (chunk: Buffer) => got.push(chunk));
  const ended = new Promise((resolve) => out.on('end', resolve));
  for (const chunk of chunks) source.write(chunk);
  source.end();
  await ended;
  return Buffer.concat(got).toString('utf8');
}

/** Every way of cutting `bytes` in two. */
const cuts = (bytes: Buffer): Buffer[][] => Array.from({ length: bytes.length + 1 }, (_, at) => [bytes.subarray(0, at), bytes.subarray(at)]);

describe('a declared charset', () => {
  it('UTF-8 labelled ISO-8859-1 stays UTF-8, cut anywhere', async () => {
    const text = '{"t":"Grüße 東京 😀"}';
    for (const chunks of cuts(Buffer.from(text))) expect(await through('application/json; charset=ISO-8859-1', chunks)).toBe(text);
  });

  it('Latin-1 bytes labelled ISO-8859-1 are read as Latin-1, cut anywhere', async () => {
    for (const chunks of cuts(Buffer.from('{"t":"Café crème"}', 'latin1'))) expect(await through('application/json; charset=iso-8859-1', chunks)).toBe('{"t":"Café crème"}');
  });

  it('UTF-16LE with its BOM is read by the label', async () => {
    expect(await through('text/event-stream; charset="UTF-16LE"', [Buffer.from('\uFEFFdata: {"t":"ü"}\n\n', 'utf16le')])).toBe('data: {"t":"ü"}\n\n');
  });

  it('without a label, or with one no decoder knows, the bytes pass as they came', async () => {
    const latin = Buffer.from('Café', 'latin1');
    expect(Buffer.from(await through('application/json', [latin]), 'utf8').includes(0xfffd)).toBe(false);
    for (const type of ['application/json', 'application/json; charset=x-unknown-charset', undefined]) {
      const source = new PassThrough();
      expect(inUtf8(source, type)).toBe(source);
    }
  });

  it('validUtf8Prefix: stops at a byte that cannot be UTF-8, waits on a sequence cut at the end', () => {
    expect(validUtf8Prefix(Buffer.from('abc'))).toEqual({ end: 3, invalid: false });
    expect(validUtf8Prefix(Buffer.from([0x61, 0xe9, 0x22]))).toEqual({ end: 1, invalid: true });
    expect(validUtf8Prefix(Buffer.from([0x61, 0xe6, 0x9d]))).toEqual({ end: 1, invalid: false });
    expect(validUtf8Prefix(Buffer.from([0xc0, 0x80]))).toEqual({ end: 0, invalid: true });
    expect(validUtf8Prefix(Buffer.from([0xed, 0xa0, 0x80]))).toEqual({ end: 0, invalid: true });
    expect(validUtf8Prefix(Buffer.from([0xf4, 0x90, 0x80, 0x80]))).toEqual({ end: 0, invalid: true });
  });
});
