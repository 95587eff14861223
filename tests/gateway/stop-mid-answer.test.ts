// A gateway told to stop (SIGTERM, SIGINT, `isartor down`) lets requests in flight finish for a grace
// period; what is still running after it ends in the caller's protocol (an error event in a stream, a 503
// before any answer), never a bare close a client would take for a network fault, and is still recorded.
import { describe, expect, it, vi } from 'vitest';
import { startHarness, userMessage } from './harness.js';

const chunk = (content: string) => `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'fake-model', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

describe('a stop whose grace runs out while answers are in flight', () => {
  it('a stream ends with an error event in its protocol, a request not yet answered gets a 503 in its protocol; both are recorded', async () => {
    const harness = await startHarness();
    harness.records = [];
    try {
      // Every request: two events, then the provider goes quiet (it would still be thinking at the stop).
      harness.fake.setMode({ kind: 'raw', contentType: 'text/event-stream', body: () => [chunk('Hel'), chunk('lo')], hang: true });
      const chat = await harness.chat(userMessage('stopped mid-stream', { stream: true }));
      const messages = await harness.messages({ model: 'fake-model', max_tokens: 20, stream: true, messages: [{ role: 'user', content: 'stopped mid-stream' }] });
      const chatBody = chat.body!.getReader();
      const messagesBody = messages.body!.getReader();
      // Both have their first bytes: they are streaming when the stop comes.
      await chatBody.read();
      await messagesBody.read();
      // And one whose provider has not answered its headers yet.
      harness.fake.setMode({ kind: 'hang' });
      const waiting = harness.messages({ model: 'fake-model', max_tokens: 20, messages: [{ role: 'user', content: 'never answered' }] });
      await vi.waitFor(() => expect(harness.gateway.inFlight).toBe(3));

      await harness.running.stop(50);

      const rest = async (reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> => {
        let text = '';
        for (let read = await reader.read(); !read.done; read = await reader.read()) text += Buffer.from(read.value).toString('utf8');
        return text;
      };
      const chatRest = await rest(chatBody);
      expect(chatRest).toContain('"code":"gateway_stopping"');
      expect(chatRest).toContain('isartor is stopping');
      const messagesRest = await rest(messagesBody);
      expect(messagesRest).toMatch(/event: error\ndata: \{"type":"error"/);
      const unanswered = await waiting;
      expect(unanswered.status).toBe(503);
      expect(await unanswered.json()).toMatchObject({ type: 'error', error: { message: expect.stringContaining('send the request again') } });
      expect(harness.records.filter((record) => record.route === '/v1/chat/completions' || record.route === '/v1/messages')).toHaveLength(3);
    } finally {
      await harness.fake.close();
    }
  });
});
