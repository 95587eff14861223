import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventsStatus } from '../../source/setup/effects.js';
import { fetchGatewayStats, probeGateway, subscribeGatewayEvents } from '../../source/setup/gateway-client.js';
import type { LiveRequestRecord } from '../../source/setup/gateway-contracts.js';
import { record, stats } from './fake-effects.js';

// A stand-in for the gateway's /stats, /events and chat route, as the contracts describe them.
let server: Server | undefined;
const seen: IncomingMessage[] = [];
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
  seen.length = 0;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('gateway client', () => {
  it('fetchGatewayStats sends the gateway key and reads the report; a gateway without /stats says so', async () => {
    const report = stats({ requests: 3 });
    const url = await serve((req, res) => {
      if (req.url?.split('?')[0] === '/stats') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(report));
      else res.writeHead(404).end();
    });
    expect(await fetchGatewayStats({ url, apiKey: 'gw-key' })).toEqual(report);
    expect(seen[0]?.headers.authorization).toBe('Bearer gw-key');
    await expect(fetchGatewayStats({ url: `${url}/nope`, apiKey: undefined })).rejects.toThrow(/no \/stats yet/);
  });

  it('probeGateway names itself and reports the layer and status', async () => {
    const url = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'x-isartor-layer': 'l1a' }).end('{}'));
    const result = await probeGateway({ url, apiKey: undefined, model: 'm' });
    expect(result).toMatchObject({ status: 200, layer: 'l1a' });
    expect(seen[0]?.method).toBe('POST');
    expect(seen[0]?.url).toBe('/v1/chat/completions');
    expect(seen[0]?.headers['x-isartor-client']).toBe('isartor-setup');
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it('probeGateway reports a gateway that does not answer instead of throwing', async () => {
    const result = await probeGateway({ url: 'http://127.0.0.1:1', apiKey: undefined, model: null });
    expect(result.status).toBe(0);
    expect(result.error).toBeTruthy();
  });

  it('subscribeGatewayEvents parses request events, ignores heartbeats, reconnects after the stream ends, and stops cleanly', async () => {
    let connections = 0;
    const url = await serve((req, res) => {
      expect(req.url).toBe('/events');
      connections++;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': heartbeat\n\n');
      res.write(`event: request\ndata: ${JSON.stringify(record({ client: `c${connections}` }))}\n\n`);
      // The first connection ends, as when the gateway restarts; the second stays open.
      if (connections === 1) res.end();
    });
    const records: LiveRequestRecord[] = [];
    const statuses: EventsStatus[] = [];
    const stop = subscribeGatewayEvents({ url, apiKey: 'k' }, { onRecord: (r) => records.push(r), onStatus: (s) => statuses.push(s) }, { initialBackoffMs: 10 });
    await until(() => records.length === 2);
    expect(records.map((r) => r.client)).toEqual(['c1', 'c2']);
    expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'live']);
    expect(seen[0]?.headers.authorization).toBe('Bearer k');
    stop();
    await until(() => (server as Server & { connections?: number }) !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(connections).toBe(2);
  });

  it('subscribeGatewayEvents reports a gateway without /events as unavailable', async () => {
    const url = await serve((_req, res) => res.writeHead(404).end());
    const statuses: EventsStatus[] = [];
    const stop = subscribeGatewayEvents({ url, apiKey: undefined }, { onRecord: () => {}, onStatus: (s) => statuses.push(s) });
    await until(() => statuses.includes('unavailable'));
    stop();
  });
});
