// Real requests OpenClaw sent, captured next to the repository; each test skips when its file is absent.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AnthropicMessagesRequest, AnthropicTextBlock } from '../../source/protocols/anthropic.js';
import { anthropicRequestToOpenAI } from '../../source/protocols/anthropic-to-openai.js';
import type { ChatCompletionRequest } from '../../source/protocols/openai.js';
import { openAIRequestToAnthropic } from '../../source/protocols/openai-to-anthropic.js';

const captures = fileURLToPath(new URL('../../../shared/data/openclaw-captures/', import.meta.url));
const anthropicTurn = `${captures}anthropic-messages-agent-turn.json`;
const openAIToolRoundtrip = `${captures}openai-completions-tool-roundtrip.json`;

const bodyOf = <T>(path: string): T => (JSON.parse(readFileSync(path, 'utf8')) as { body: T }).body;

interface OpenAIFunctionTool {
  type: string;
  function: { name: string; description?: string; parameters?: unknown };
}

describe('real OpenClaw captures', () => {
  it.skipIf(!existsSync(anthropicTurn))('an Anthropic agent turn keeps every tool and all system text when sent to OpenAI', () => {
    const body = bodyOf<AnthropicMessagesRequest>(anthropicTurn);
    const translated = anthropicRequestToOpenAI(body, 'upstream-model');

    const tools = translated.tools as OpenAIFunctionTool[];
    expect(tools.map((t) => t.function.name)).toEqual((body.tools ?? []).map((t) => t.name));
    expect(tools.length).toBe(12);
    for (const [i, tool] of tools.entries()) {
      expect(tool.type).toBe('function');
      expect(tool.function.parameters).toEqual(body.tools?.[i]?.input_schema);
      expect(tool.function.description).toBe(body.tools?.[i]?.description);
    }

    const system = translated.messages[0];
    expect(system?.role).toBe('system');
    expect(translated.messages.filter((m) => m.role === 'system')).toHaveLength(1);
    const systemBlocks = body.system as AnthropicTextBlock[];
    expect(systemBlocks).toHaveLength(2);
    for (const block of systemBlocks) expect(system?.content).toContain(block.text);

    // Both user turns arrive with their text; the cache markers do not.
    const userTexts = body.messages.flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.flatMap((b) => (b.type === 'text' ? [b.text] : []))));
    expect(translated.messages.slice(1).map((m) => m.content)).toEqual(userTexts);
    expect(JSON.stringify(translated)).not.toContain('cache_control');
    expect(translated).toMatchObject({ model: 'upstream-model', max_tokens: body.max_tokens, stream: true, stream_options: { include_usage: true } });
  });

  it.skipIf(!existsSync(openAIToolRoundtrip))('an OpenAI tool round trip keeps every tool and the tool_use/tool_result pairing when sent to Anthropic', () => {
    const body = bodyOf<ChatCompletionRequest>(openAIToolRoundtrip);
    const translated = openAIRequestToAnthropic(body, 'claude-up');

    const sourceTools = body.tools as OpenAIFunctionTool[];
    expect((translated.tools ?? []).map((t) => t.name)).toEqual(sourceTools.map((t) => t.function.name));
    for (const [i, tool] of (translated.tools ?? []).entries()) expect(tool.input_schema).toEqual(sourceTools[i]?.function.parameters);

    const sourceCalls = body.messages.flatMap((m) => (Array.isArray(m.tool_calls) ? (m.tool_calls as Array<{ id: string; function: { name: string; arguments: string } }>) : []));
    const sourceResults = body.messages.filter((m) => m.role === 'tool');
    expect(sourceCalls.length).toBeGreaterThan(0);

    const blocks = translated.messages.flatMap((m) => (typeof m.content === 'string' ? [] : m.content.map((b) => ({ role: m.role, block: b }))));
    const toolUses = blocks.filter(({ block }) => block.type === 'tool_use');
    const toolResults = blocks.filter(({ block }) => block.type === 'tool_result');
    expect(toolUses.map(({ block }) => block)).toEqual(
      sourceCalls.map((call) => ({ type: 'tool_use', id: call.id, name: call.function.name, input: JSON.parse(call.function.arguments) as unknown })),
    );
    expect(toolResults.map(({ block }) => block)).toEqual(sourceResults.map((m) => ({ type: 'tool_result', tool_use_id: m.tool_call_id, content: m.content })));

    // Each tool_use is answered in the very next message, which is a user turn opening with the result.
    for (const [i, message] of translated.messages.entries()) {
      if (typeof message.content === 'string') continue;
      for (const use of message.content.filter((b) => b.type === 'tool_use')) {
        const next = translated.messages[i + 1];
        expect(next?.role).toBe('user');
        const first = Array.isArray(next?.content) ? next.content[0] : undefined;
        expect(first).toMatchObject({ type: 'tool_result', tool_use_id: (use as { id: string }).id });
      }
    }
    const roles = translated.messages.map((m) => m.role);
    expect(roles.every((role, i) => role !== roles[i - 1])).toBe(true);
    expect(translated.system).toBe(body.messages.find((m) => m.role === 'system')?.content);
    expect(translated).toMatchObject({ model: 'claude-up', max_tokens: 32_000, stream: true, tool_choice: { type: 'auto' } });
  });
});
