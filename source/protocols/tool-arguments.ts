/**
 * Tool call arguments a tool can run: a JSON object (or nothing, for a tool without parameters). A model
 * cut off by max_tokens, or a provider's bug, leaves text that is not: the answer is still served (the
 * client's tool reports the error to the model), but never cached, since a replay would hand the same
 * broken call to every later request.
 */
export function isRunnableArguments(text: unknown): boolean {
  if (typeof text !== 'string') return false;
  if (text.trim() === '') return true;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** Whether an answer in any caller protocol (chat, Responses) holds a tool call whose arguments are not runnable. */
export function hasUnreadableToolArguments(answer: object): boolean {
  const { choices, output } = answer as { choices?: unknown; output?: unknown };
  if (Array.isArray(choices)) {
    for (const choice of choices as Array<{ message?: { tool_calls?: Array<{ function?: { arguments?: unknown } }> | null } | null }>) {
      for (const call of choice?.message?.tool_calls ?? []) if (!isRunnableArguments(call?.function?.arguments)) return true;
    }
  }
  if (Array.isArray(output)) {
    for (const item of output as Array<{ type?: unknown; arguments?: unknown }>) {
      if (item?.type === 'function_call' && !isRunnableArguments(item.arguments)) return true;
    }
  }
  return false;
}
