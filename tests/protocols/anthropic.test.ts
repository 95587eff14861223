import { describe, expect, it } from 'vitest';
import {
  anthropicErrorBody,
  anthropicErrorTypeForStatus,
  isCompleteAnthropicMessage,
  parseToolInput,
} from '../../source/protocols/anthropic.js';

describe('Anthropic errors', () => {
  it('builds the body the Anthropic SDK reads', () => {
    expect(anthropicErrorBody('slow down', 'rate_limit_error')).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } });
  });

  it('names each HTTP status as Anthropic does', () => {
    const table: Array<[number, string]> = [
      [400, 'invalid_request_error'],
      [401, 'authentication_error'],
      [403, 'permission_error'],
      [404, 'not_found_error'],
      [413, 'request_too_large'],
      [429, 'rate_limit_error'],
      [500, 'api_error'],
      [502, 'api_error'],
      [503, 'api_error'],
      [504, 'timeout_error'],
      [529, 'overloaded_error'],
      [422, 'invalid_request_error'],
    ];
    for (const [status, type] of table) expect(anthropicErrorTypeForStatus(status), String(status)).toBe(type);
  });
});

describe('isCompleteAnthropicMessage', () => {
  const message = { id: 'msg_1', type: 'message', role: 'assistant', model: 'm', content: [], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };

  it('accepts a finished message and nothing else', () => {
    expect(isCompleteAnthropicMessage(message)).toBe(true);
    expect(isCompleteAnthropicMessage({ ...message, stop_reason: null })).toBe(false);
    expect(isCompleteAnthropicMessage({ ...message, type: 'error' })).toBe(false);
    expect(isCompleteAnthropicMessage({ ...message, content: 'hi' })).toBe(false);
    expect(isCompleteAnthropicMessage(null)).toBe(false);
    expect(isCompleteAnthropicMessage('message')).toBe(false);
  });
});

describe('parseToolInput', () => {
  it('reads a JSON object and gives {} for anything Anthropic could not carry', () => {
    expect(parseToolInput('{"a":[1,{"b":"ü"}]}')).toEqual({ a: [1, { b: 'ü' }] });
    expect(parseToolInput('')).toEqual({});
    expect(parseToolInput('  ')).toEqual({});
    expect(parseToolInput('{"a":')).toEqual({});
    expect(parseToolInput('[1,2]')).toEqual({});
    expect(parseToolInput('"text"')).toEqual({});
    expect(parseToolInput('null')).toEqual({});
  });
});
