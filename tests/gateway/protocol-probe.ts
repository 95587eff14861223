// Sending one request in a caller protocol to a test gateway and reading which layer answered it: shared by
// the cache tests that ask the same question in chat, Anthropic and Responses and compare the layers.

export type Protocol = 'openai' | 'anthropic' | 'responses';
export type Body = Record<string, unknown>;

/** One thing changed in a request that asks the same question (the scope tests' variants). */
export interface Variant {
  name: string;
  change: (body: Body) => Body;
  headers?: Record<string, string>;
  /** The path with a query string (`?beta=true`, `?api-version=...`) instead of the protocol's own. */
  path?: string;
}

export const pathOf: Record<Protocol, string> = { openai: '/v1/chat/completions', anthropic: '/v1/messages', responses: '/v1/responses' };

/** "200 l1b", "200 upstream": the status and the layer that answered (the body is read so the socket is reused). */
export async function layerOf(response: Response): Promise<string> {
  await response.arrayBuffer();
  return `${response.status} ${response.headers.get('x-isartor-layer')}`;
}

/** POSTs a JSON body to the protocol's path of the gateway at `url` (Anthropic calls carry their version header). */
export function sendIn(url: string, protocol: Protocol, body: Body, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${pathOf[protocol]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(protocol === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {}), ...headers },
    body: JSON.stringify(body),
  });
}
