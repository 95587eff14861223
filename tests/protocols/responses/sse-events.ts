/** The events of a Responses SSE text: each `event:` name checked against its data's `type`. */
export function responsesEvents(text: string): Array<{ type: string; [field: string]: any }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as { type: string };
      if (name !== data.type) throw new Error(`event name ${name} does not match data type ${data.type}`);
      return data;
    });
}

/** Feeds `text` to a relay one byte at a time (multi-byte characters split too) and joins what it writes. */
export function feedBytewise(relay: { push(bytes: Uint8Array): string | Buffer; end(): string }, text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i += 1) out += relay.push(bytes.subarray(i, i + 1)).toString();
  return out + relay.end();
}

export function chatSse(chunks: object[], done = true): string {
  return chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '');
}

export function anthropicSse(events: Array<{ type: string; [field: string]: unknown }>): string {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}
