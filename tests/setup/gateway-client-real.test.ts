import { afterEach, describe, expect, it } from 'vitest';
import type { EventsStatus } from '../../source/setup/effects.js';
import { fetchGatewayStats, probeGateway, subscribeGatewayEvents } from '../../source/setup/gateway-client.js';
import type { LiveRequestRecord } from '../../source/setup/gateway-contracts.js';
import { startHarness, userMessage, type Harness } from '../gateway/harness.js';

let harness: Harness | undefined;
let unsubscribe: (() => void) | undefined;
afterEach(async () => {
  unsubscribe?.();
  unsubscribe = undefined;
  await harness?.close();
  harness = undefined;
});

const gatewayKey = 'gw-dashboard-key-0123456789';

describe("the dashboard's gateway client against a real gateway", () => {
  it('reads /stats, follows /events and probes through a gateway that needs its key', async () => {
    harness = await startHarness({ gatewayApiKey: gatewayKey });
    harness.records = [];
    const handle = { url: harness.url, apiKey: gatewayKey, model: 'fake-model' };
    const received: LiveRequestRecord[] = [];
    const statuses: EventsStatus[] = [];
    const live = new Promise<void>((resolve) => {
      unsubscribe = subscribeGatewayEvents(handle, {
        onRecord: (record) => received.push(record),
        onStatus: (status) => {
          statuses.push(status);
          if (status === 'live') resolve();
        },
      });
    });
    await live;
    await (await harness.chat(userMessage('What is a monad?'), { authorization: `Bearer ${gatewayKey}`, 'x-isartor-client': 'openclaw' })).text();
    const probe = await probeGateway(handle);
    expect(probe.status).toBe(200);
    expect(probe.layer).toBe('l3');
    await harness.gateway.drained();
    for (let i = 0; i < 100 && received.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.map((r) => r.client)).toEqual(['openclaw', 'isartor-setup']);
    const report = await fetchGatewayStats(handle);
    expect(report.total.requests).toBe(2);
    expect(report.tools.map((t) => t.client).sort()).toEqual(['isartor-setup', 'openclaw']);
    await expect(fetchGatewayStats({ url: harness.url, apiKey: 'wrong' })).rejects.toThrow(/401/);
  });
});
