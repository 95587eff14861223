import { isRecord } from './json.js';

/** What the trimmer knows of the call that produced a tool result. */
export interface ToolCall {
  name: string;
  /** The call's arguments as sent (OpenAI's JSON string, or Anthropic's `input` as JSON). */
  arguments: string;
}

/** Tool call id -> call, from OpenAI `tool_calls` and Anthropic `tool_use` blocks. */
export function toolCallsById(messages: readonly unknown[]): Map<string, ToolCall> {
  const calls = new Map<string, ToolCall>();
  for (const message of messages) {
    if (!isRecord(message)) continue;
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      if (isRecord(call) && typeof call.id === 'string' && isRecord(call.function) && typeof call.function.name === 'string') {
        const args = call.function.arguments;
        calls.set(call.id, { name: call.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) });
      }
    }
    for (const block of Array.isArray(message.content) ? message.content : []) {
      if (isRecord(block) && block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
        calls.set(block.id, { name: block.name, arguments: JSON.stringify(block.input ?? {}) });
      }
    }
  }
  return calls;
}

/** Tools named for reading a file. */
const readToolName = /(^|[_.-])(read|cat|view|open|get_?file|file_?read|fetch_?file|read_?file)([_.-]|$)/i;
/** An editor tool asked to show a file (`str_replace_editor`, `str_replace_based_edit_tool`: `"command": "view"`). */
const viewCommand = /"command"\s*:\s*"view"/u;
/** A shell command that prints a file (`cat`, `head`, `sed -n`, ...), at the start of a command or after a pipe or `;`. */
const printsFile = /(?:^|["\s;&|(`]|\\n)(?:sudo\s+)?(?:cat|head|tail|less|more|bat|batcat|nl|tac|xxd|hexdump|od|type|Get-Content|gc)\s|(?:^|["\s;&|(`])sed\s+-n\s/u;

/**
 * Whether a result is a file's contents rather than a program's terminal output. Such a result is never
 * rendered or recoloured (a file may hold a literal `\r` or escape byte), only deduplicated. Decided from
 * the tool's name and its arguments together, so a generic `exec` or `bash` tool that ran `cat` counts too.
 */
export function isFileContent(call: ToolCall | undefined): boolean {
  if (!call) return false;
  return readToolName.test(call.name) || viewCommand.test(call.arguments) || printsFile.test(call.arguments);
}
