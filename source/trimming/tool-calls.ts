import { isRecord } from './json.js';

/** What the trimmer knows of the call that produced a tool result. */
export interface ToolCall {
  name: string;
  /** The call's arguments as sent (OpenAI's JSON string, or Anthropic's `input` as JSON). */
  arguments: string;
  /**
   * The arguments the tool acts on: `arguments` without its label fields (labelFields), or `arguments`
   * itself when the tool has none. Two calls with the same tool and acting arguments are the same call.
   */
  acting: string;
  /** Its place among the request's calls, in order. */
  order: number;
}


/** The calls a message's tool results can answer: by id, as seen from that message. */
export interface CallsSeen {
  get(id: string): ToolCall | undefined;
  /** Whether a call with this identity (callIdentity) was made after the call in place `after` and before the one in place `before`. */
  madeBetween(identity: string, after: number, before: number): boolean;
}

/**
 * The request's tool calls, from OpenAI `tool_calls` and Anthropic `tool_use` blocks, in order. A result
 * answers the latest call with its id made in an earlier message: some clients number their call ids per
 * turn (`call_0` in every turn), so an id alone does not name one call, and resolving it from the messages
 * before the result also keeps the trimmed form of a message independent of later ones (prefix stability).
 * `labels` (labelFields) names, per tool, the arguments that are only a label for the user.
 */
export class ToolCalls {
  readonly #byId = new Map<string, Array<{ message: number; call: ToolCall }>>();
  /** Per call identity, the messages and places of its calls, in order. */
  readonly #byIdentity = new Map<string, Array<{ message: number; order: number }>>();
  #count = 0;

  constructor(messages: readonly unknown[], labels: ReadonlyMap<string, readonly string[]> = noLabels) {
    messages.forEach((message, index) => {
      if (!isRecord(message)) return;
      for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
        if (isRecord(call) && typeof call.id === 'string' && isRecord(call.function) && typeof call.function.name === 'string') {
          const args = call.function.arguments;
          this.#add(index, call.id, call.function.name, typeof args === 'string' ? args : JSON.stringify(args ?? {}), labels);
        }
      }
      for (const block of Array.isArray(message.content) ? message.content : []) {
        if (isRecord(block) && block.type === 'tool_use' && typeof block.id === 'string' && typeof block.name === 'string') {
          this.#add(index, block.id, block.name, JSON.stringify(block.input ?? {}), labels);
        }
      }
    });
  }

  #add(message: number, id: string, name: string, args: string, labels: ReadonlyMap<string, readonly string[]>): void {
    const call = { name, arguments: args, acting: actingArguments(args, labels.get(name)), order: this.#count++ };
    const identity = callIdentity(call);
    const same = this.#byIdentity.get(identity);
    if (same) same.push({ message, order: call.order });
    else this.#byIdentity.set(identity, [{ message, order: call.order }]);
    const list = this.#byId.get(id);
    if (list) list.push({ message, call });
    else this.#byId.set(id, [{ message, call }]);
  }

  /** The calls as the results in message `index` see them. */
  seenFrom(index: number): CallsSeen {
    return {
      get: (id: string): ToolCall | undefined => {
        const list = this.#byId.get(id);
        if (list === undefined) return undefined;
        for (let i = list.length - 1; i >= 0; i--) if (list[i]!.message < index) return list[i]!.call;
        return undefined;
      },
      madeBetween: (identity: string, after: number, before: number): boolean =>
        (this.#byIdentity.get(identity) ?? []).some((call) => call.message < index && call.order > after && call.order < before),
    };
  }
}

const noLabels: ReadonlyMap<string, readonly string[]> = new Map();

/**
 * Arguments that are a label the tool does not act on, per tool, read from the request's own tool
 * definitions. Only one is known and proven: Claude Code's `Bash` tool, whose `description` argument is
 * "Clear, concise description of what this command does ..." for the user's permission prompt and
 * transcript; the shell runs `command` alone (tests/support/captures/claude-code-*-session.json). The
 * definition must be in the request and say so, or nothing is a label: another client's `Bash` tool
 * with a `description` it acts on keeps every argument.
 */
export function labelFields(tools: unknown): Map<string, string[]> {
  const labels = new Map<string, string[]>();
  for (const tool of Array.isArray(tools) ? tools : []) {
    if (!isRecord(tool)) continue;
    // Anthropic `{name, input_schema}`, OpenAI `{type: 'function', function: {name, parameters}}`.
    const definition = isRecord(tool.function) ? tool.function : tool;
    const schema = isRecord(definition.input_schema) ? definition.input_schema : definition.parameters;
    if (definition.name !== 'Bash' || !isRecord(schema) || !isRecord(schema.properties)) continue;
    const { command, description } = schema.properties;
    if (!isRecord(command) || command.type !== 'string' || !isRecord(description) || description.type !== 'string') continue;
    if (typeof description.description !== 'string' || !claudeCodeBashDescription.test(description.description)) continue;
    labels.set('Bash', ['description']);
  }
  return labels;
}

/** How Claude Code's Bash tool describes its `description` argument (1.x: "... in 5-10 words", 2.x: "... in active voice"). */
const claudeCodeBashDescription = /^Clear, concise description of what this command does\b/u;

/** `args` without the label fields, in their order; the arguments themselves when there is nothing to drop or they do not parse. */
function actingArguments(args: string, labels: readonly string[] | undefined): string {
  if (labels === undefined) return args;
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return args;
  }
  if (!isRecord(parsed) || !labels.some((label) => label in parsed)) return args;
  const acting = Object.fromEntries(Object.entries(parsed).filter(([key]) => !labels.includes(key)));
  return JSON.stringify(acting);
}

/** Tools named for reading a file. */
const readToolName = /(^|[_.-])(read|cat|view|open|get_?file|file_?read|fetch_?file|read_?file)([_.-]|$)/i;
/** An editor tool asked to show a file (`str_replace_editor`, `str_replace_based_edit_tool`: `"command": "view"`). */
const viewCommand = /"command"\s*:\s*"view"/u;
/**
 * A shell command that prints a file (`cat`, `head`, `sed -n`, a compressed one with `zcat` or `gzip -dc`, a file
 * at a revision with `git show REV:path` or `git cat-file -p`, ...), at the start of a command or after a pipe or `;`.
 */
const printsFile =
  /(?:^|["\s;&|(`]|\\n)(?:sudo\s+)?(?:cat|head|tail|less|more|bat|batcat|nl|tac|xxd|hexdump|od|type|Get-Content|gc|zcat|gzcat|bzcat|xzcat|lzcat|zstdcat|zless|zmore)\s|(?:^|["\s;&|(`])(?:gzip|gunzip|bzip2|xz|zstd)\s+(?:-[a-zA-Z]*\s+)*-[a-zA-Z]*c[a-zA-Z]*\s|(?:^|["\s;&|(`])sed\s+-n\s|(?:^|["\s;&|(`])git\s+(?:show\s+[^\s"]*:|cat-file\s)/u;

/**
 * Whether a result is a file's contents rather than a program's terminal output. Such a result is never
 * rendered or recoloured (a file may hold a literal `\r` or escape byte), only deduplicated. Decided from
 * the tool's name and its arguments together, so a generic `exec` or `bash` tool that ran `cat` counts too;
 * only from the arguments the tool acts on: a label (Claude Code's `description`, "Show the head of the
 * log") says nothing about what ran.
 */
export function isFileContent(call: ToolCall | undefined): boolean {
  if (!call) return false;
  return readToolName.test(call.name) || viewCommand.test(call.acting) || printsFile.test(call.acting);
}

/**
 * A diff's hunk header, possibly coloured, on a line of its own: unified (`@@ -12,7 +12,8 @@`), context
 * (`*** 12,18 ****`) or normal (`12c12`, `3,4d2`). The result quotes files (`git diff`, `git show`,
 * `git log -p`, `diff`, a patch tool). What follows `+`, `-`, `<`, `>` and ` ` are a file's bytes, and a `\r` or escape byte in them is content: rendering it like a terminal would
 * overwrite the `+`/`-` markers and the text before it (a changed progress line in a fixture would come out
 * as another line with no marker).
 */
const hunkHeader = /^(?:\u001b\[[0-9;]*m)*(?:@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@|\*\*\* \d+(?:,\d+)? \*\*\*\*$|\d+(?:,\d+)?[acd]\d+(?:,\d+)?$)/mu;

/**
 * Whether a tool result quotes file contents (by its call, or by being a diff): such a result is data,
 * never rendered or recoloured, only deduplicated.
 */
export function quotesFiles(call: ToolCall | undefined, texts: readonly string[]): boolean {
  return isFileContent(call) || texts.some((text) => hunkHeader.test(text) || numberedLines(text));
}

/**
 * A line-number gutter as `cat -n`, `nl` and editor tools print one (`     3\t`, Claude Code's `     3→`).
 * An edit tool's result shows a snippet of the edited file this way ("Here's the result of running
 * `cat -n` on a snippet of the edited file"), whatever the tool is called: the file's escape bytes are
 * content, and rendering them would overwrite its lines and the numbers.
 */
const gutter = /^ *\d+(?:\t|→)/gmu;

/** At least two lines of the text start with a line-number gutter. */
function numberedLines(text: string): boolean {
  gutter.lastIndex = 0;
  return gutter.test(text) && gutter.test(text);
}

/**
 * A command whose output passed through a program that keeps, drops or reorders lines (`grep`, `sort`,
 * `awk`, `jq`, ...), at the start of a command or after a pipe or `;`. Such output holds only some rows of
 * what a terminal was drawn: a cursor move across rows in it lands on a row that may have been filtered
 * out, so it is data (tool-output.ts), never rendered.
 */
const filtersLines =
  /(?:^|["\s;&|(`]|\\n)(?:sudo\s+)?(?:grep|egrep|fgrep|zgrep|rg|ag|ack|awk|gawk|mawk|sed|sort|uniq|cut|tr|column|jq|yq|strings|paste|join|comm|fold|fmt|rev|shuf|look|journalctl)(?=[\s"'|;&)]|$)/u;

/**
 * Whether a call's output went through a line filter (filtersLines), read from the arguments the tool acts
 * on: a label such as "Run the tests and sort the failures" runs nothing.
 */
export function filtersOutput(call: ToolCall | undefined): boolean {
  return call !== undefined && filtersLines.test(call.acting);
}

/** What identifies a call for "the same call ran again": its tool and the exact arguments it acts on. */
export function callIdentity(call: ToolCall): string {
  return `${call.name}\u0000${call.acting}`;
}
