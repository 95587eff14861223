// Responses streams as OpenAI writes them (checked against captures of gpt-5 streams): a created
// snapshot whose settings differ from the final one (service_tier "auto", then "default"), random
// `obfuscation` padding and `logprobs: []` on deltas, deltas in small pieces, sequence numbers, and
// response.completed carrying the whole response. Built here from a final response, independently of
// the gateway's own writer, so that a test can compare what a client got first with a replay.

type Item = Record<string, any>;
type Event = Record<string, any> & { type: string };

const pieces = (text: string, size = 3): string[] => {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
};
const padding = (): string => Math.random().toString(36).slice(2, 2 + 4 + Math.floor(Math.random() * 8));

export function itemEvents(item: Item, index: number): Event[] {
  const at = { item_id: item.id, output_index: index };
  const events: Event[] = [];
  if (item.type === 'message') {
    events.push({ type: 'response.output_item.added', output_index: index, item: { ...item, status: 'in_progress', content: [] } });
    item.content.forEach((part: Item, contentIndex: number) => {
      const here = { ...at, content_index: contentIndex };
      if (part.type === 'refusal') {
        events.push({ type: 'response.content_part.added', ...here, part: { type: 'refusal', refusal: '' } });
        for (const delta of pieces(part.refusal)) events.push({ type: 'response.refusal.delta', ...here, delta, obfuscation: padding() });
        events.push({ type: 'response.refusal.done', ...here, refusal: part.refusal });
      } else {
        events.push({ type: 'response.content_part.added', ...here, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } });
        for (const delta of pieces(part.text)) events.push({ type: 'response.output_text.delta', ...here, delta, logprobs: [], obfuscation: padding() });
        events.push({ type: 'response.output_text.done', ...here, text: part.text, logprobs: [] });
      }
      events.push({ type: 'response.content_part.done', ...here, part });
    });
  } else if (item.type === 'reasoning') {
    events.push({ type: 'response.output_item.added', output_index: index, item: { ...item, summary: [] } });
    item.summary.forEach((part: Item, summaryIndex: number) => {
      const here = { ...at, summary_index: summaryIndex };
      events.push({ type: 'response.reasoning_summary_part.added', ...here, part: { type: 'summary_text', text: '' } });
      for (const delta of pieces(part.text, 5)) events.push({ type: 'response.reasoning_summary_text.delta', ...here, delta, obfuscation: padding() });
      events.push({ type: 'response.reasoning_summary_text.done', ...here, text: part.text });
      events.push({ type: 'response.reasoning_summary_part.done', ...here, part });
    });
  } else if (item.type === 'function_call') {
    events.push({ type: 'response.output_item.added', output_index: index, item: { ...item, arguments: '', status: 'in_progress' } });
    for (const delta of pieces(item.arguments, 2)) events.push({ type: 'response.function_call_arguments.delta', ...at, delta, obfuscation: padding() });
    events.push({ type: 'response.function_call_arguments.done', ...at, name: item.name, arguments: item.arguments });
  } else if (item.type === 'custom_tool_call') {
    events.push({ type: 'response.output_item.added', output_index: index, item: { ...item, input: '' } });
    for (const delta of pieces(item.input, 5)) events.push({ type: 'response.custom_tool_call_input.delta', ...at, delta, obfuscation: padding() });
    events.push({ type: 'response.custom_tool_call_input.done', ...at, input: item.input });
  } else events.push({ type: 'response.output_item.added', output_index: index, item });
  events.push({ type: 'response.output_item.done', output_index: index, item });
  return events;
}

/** A finished response with the fields and settings OpenAI reports. */
export function finalResponse(output: Item[], extra: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: `resp_${padding()}${padding()}`,
    object: 'response',
    created_at: 1_764_000_000,
    status: 'completed',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: 'fake-model',
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: 'medium', summary: 'auto' },
    service_tier: 'default',
    store: false,
    temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: { input_tokens: 40, input_tokens_details: { cached_tokens: 0 }, output_tokens: 12, output_tokens_details: { reasoning_tokens: 4 }, total_tokens: 52 },
    user: null,
    metadata: {},
    ...extra,
  };
}

/** The events of a whole answer; `edit` may change them before they are numbered (a fault, an extra event). */
export function responseEvents(final: Record<string, any>, edit: (events: Event[]) => Event[] = (events) => events): Event[] {
  const snapshot = { ...final, status: 'in_progress', output: [], usage: null, service_tier: 'auto' };
  const events: Event[] = [
    { type: 'response.created', response: snapshot },
    { type: 'response.in_progress', response: snapshot },
    ...final.output.flatMap((item: Item, index: number) => itemEvents(item, index)),
    { type: 'response.completed', response: final },
  ];
  return edit(events).map((event, sequence) => ({ ...event, sequence_number: sequence }));
}

export function sseOf(events: Event[]): string {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

/** The events of an SSE body (data lines only; `event:` names are checked against `type`). */
export function parseEvents(text: string): Event[] {
  return text
    .split(/\n\n/)
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? 'null') as Event;
      const name = /^event: (.*)$/m.exec(block)?.[1];
      if (name !== undefined && name !== data.type) throw new Error(`event ${name} carries ${data.type}`);
      return data;
    });
}

/**
 * What a client reads from a stream, with what may differ between two streams of one answer taken out:
 * sequence numbers, obfuscation padding, how text is cut into deltas, the settings echoed in the
 * created/in_progress snapshots, and how parallel items interleave. Everything else must be equal.
 */
export function comparable(events: Event[]): { lifecycle: Event[]; items: Event[][] } {
  const lifecycle: Event[] = [];
  const items = new Map<number, Event[]>();
  for (const raw of events) {
    const { sequence_number: _sequence, obfuscation: _padding, ...event } = raw;
    if (event.type === 'response.created' || event.type === 'response.in_progress') {
      const { id, object, created_at, status, model, output } = event.response;
      event.response = { id, object, created_at, status, model, output };
    }
    const list = typeof event.output_index === 'number' ? (items.get(event.output_index) ?? items.set(event.output_index, []).get(event.output_index)!) : lifecycle;
    const last = list.at(-1);
    const sameSpot = last && ['item_id', 'content_index', 'summary_index'].every((key) => last[key] === event[key]);
    if (last && sameSpot && event.type.endsWith('.delta') && last.type === event.type) {
      last.delta += event.delta;
      if (Array.isArray(last.logprobs)) last.logprobs = [...last.logprobs, ...(event.logprobs ?? [])];
    } else list.push({ ...event });
  }
  return { lifecycle, items: [...items.entries()].sort(([a], [b]) => a - b).map(([, list]) => list) };
}
