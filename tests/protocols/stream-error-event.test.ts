// streamErrorIn: finds the provider's error in a stream's first bytes for the client, in each protocol,
// and never takes an answer that only mentions an error for one.
import { describe, expect, it } from 'vitest';
import { streamErrorIn } from '../../source/protocols/stream-error-event.js';

describe('streamErrorIn', () => {
  it('finds an error event in each protocol, with its message', () => {
    expect(streamErrorIn('openai', 'data: {"id":"c","choices":[]}\n\ndata: {"error":{"message":"Rate limited","type":"rate_limit_error"}}\n\n')).toBe('Rate limited');
    expect(streamErrorIn('openai', Buffer.from('data: {"error":"plain words"}\r\r'))).toBe('plain words');
    expect(streamErrorIn('anthropic', 'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n')).toBe('Overloaded');
    expect(streamErrorIn('responses', 'event: error\ndata: {"type":"error","code":"server_error","message":"Crashed","param":null}\n\n')).toBe('Crashed');
    expect(streamErrorIn('responses', 'event: response.failed\ndata: {"type":"response.failed","response":{"status":"failed","error":{"code":"x","message":"Failed"}}}\n\n')).toBe('Failed');
  });

  it('takes no answer that merely says "error" for one', () => {
    expect(streamErrorIn('openai', 'data: {"choices":[{"delta":{"content":"an error occurred: \\"error\\": {"}}]}\n\n')).toBeUndefined();
    expect(streamErrorIn('openai', 'data: {"choices":[{"delta":{"content":"x"}}],"error":null}\n\n')).toBeUndefined();
    expect(streamErrorIn('anthropic', 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\\"type\\":\\"error\\""}}\n\n')).toBeUndefined();
    expect(streamErrorIn('responses', 'event: response.created\ndata: {"type":"response.created","response":{"status":"in_progress","error":null}}\n\n')).toBeUndefined();
    expect(streamErrorIn('anthropic', 'event: message_start\ndata: {"type":"message_start"}\n\n')).toBeUndefined();
  });
});
