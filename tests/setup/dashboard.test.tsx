import { describe, expect, it } from 'vitest';
import { fakeEffects, fakeGateway, record, stats } from './fake-effects.js';
import { press, waitForFrame } from './ink-keys.js';
import { renderApp, stateAfter } from './render-app.js';

const atDashboard = () =>
  stateAfter([
    { type: 'setupStarted' },
    { type: 'providerChosen', providerId: 'groq' },
    { type: 'keySubmitted', apiKey: undefined, source: 'env' },
    { type: 'keyChecked', result: { ok: true, provider: 'groq', baseUrl: '', request: '', status: 200, latencyMs: 1, model: null, modelFound: null } },
    { type: 'modelChosen', model: 'openai/gpt-oss-120b' },
    { type: 'gatewayStarted', gateway: fakeGateway },
    { type: 'gatewayContinued' },
    { type: 'openClawSkipped' },
  ]);

const busy = stats(
  {
    requests: 1234,
    layers: { l1a: 400, l1b: 106, l3: 720, gateway: 8 },
    cacheHitRate: 0.41,
    errors: 3,
    latencyMs: { p50: 120, p95: 840 },
    overheadMs: { p50: 0.4, p95: 1.2 },
    tokens: { input: 2_000_000, output: 90_000, saved: 1_200_000 },
    cost: { usd: 12.4, savedUsd: 3.21, unpricedRequests: 0 },
  },
  [
    { client: 'openclaw', requests: 1000, cacheHitRate: 0.45, latencyMs: { p50: 110, p95: 800 }, tokens: { input: 0, output: 0, saved: 900_000 }, cost: { usd: 9, savedUsd: 2.1, unpricedRequests: 0 } },
    { client: 'isartor-setup', requests: 234, cacheHitRate: 0.2, latencyMs: { p50: 4, p95: 9 } },
  ],
);

describe('dashboard', () => {
  it('shows live numbers from /stats, a per-tool table, and /events records as a log', async () => {
    const effects = fakeEffects({ fetchStats: async () => busy });
    const ui = renderApp(effects, atDashboard());
    let frame = await waitForFrame(ui, 'hit rate  41.0%');
    expect(frame).toContain('isartor dashboard  ● live  http://127.0.0.1:8080');
    expect(frame).toContain('forwards  groq / openai/gpt-oss-120b');
    expect(frame).toMatch(/last 24 h\s+1\.2k req/);
    expect(frame).toContain('errors 3');
    expect(frame).toContain('l1a 400   l1b 106   l3 720   gateway 8');
    expect(frame).toContain('p50 120 ms  p95 840 ms');
    expect(frame).toContain('1.2M tokens  $3.21');
    expect(frame).toMatch(/openclaw\s+1\.0k\s+45\.0%\s+110 ms\s+900k\s+\$2\.10/);
    expect(frame).toMatch(/isartor-setup\s+234\s+20\.0%/);
    const subscriber = effects.subscriber();
    subscriber.onRecord(record({ client: 'openclaw', layer: 'l1a', totalMs: 2.5, tokensSaved: 1300 }));
    subscriber.onRecord(record({ client: 'claude-code', layer: 'l3', status: 502, time: '2026-01-01T12:00:02.000Z' }));
    frame = await waitForFrame(ui, 'claude-code');
    expect(frame).toMatch(/12:00:01 openclaw\s+l1a\s+200\s+2\.5 ms\s+openai\/gpt-oss-120b\s+saved 1\.3k tok/);
    expect(frame).toMatch(/12:00:02 claude-code\s+l3\s+502/);
    expect(frame).toMatch(/req\/s\s+0\.2/);
  });

  it('fits a 24-row terminal under load', async () => {
    const many = stats({ requests: 10 }, Array.from({ length: 30 }, (_, i) => ({ client: `tool-${i}`, requests: 30 - i })));
    const ui = renderApp(fakeEffects({ fetchStats: async () => many }), atDashboard());
    const frame = await waitForFrame(ui, 'tool-0');
    expect(frame.split('\n').length).toBeLessThanOrEqual(24);
    expect(frame).toContain('more (isartor stats --by-tool)');
  });

  it('says when the gateway has no /stats or /events yet instead of failing', async () => {
    const effects = fakeEffects({
      fetchStats: async () => {
        throw new Error('this gateway has no /stats yet (update isartor)');
      },
      subscribeEvents: (_gateway, subscriber) => {
        subscriber.onStatus('unavailable');
        return () => {};
      },
    });
    const frame = await waitForFrame(renderApp(effects, atDashboard()), 'stats: this gateway has no /stats yet');
    expect(frame).toContain('● no /events');
  });

  it('p cycles through the same question, a rewording and a near-miss, saying what each tests, expects and got', async () => {
    const layers = ['l3', 'l1b', 'l3', 'l1a'];
    const effects = fakeEffects({ probe: async (_gateway, probe) => ({ probe, status: 200, layer: layers.shift() ?? 'l1a', latencyMs: 3 }) });
    const ui = renderApp(effects, atDashboard());
    await waitForFrame(ui, 'probe: p asks the gateway a question');
    let frame = await press(ui, 'p', /got\s+l3 \(the provider\), HTTP 200, 3\.0 ms/);
    expect(frame).toContain('probe 1/3, the same question: "Which planet is known as the Red Planet?"');
    expect(frame).toMatch(/expect\s+l3 the first time, then l1a/);
    frame = await press(ui, 'p', /got\s+l1b \(near-duplicate cache\)/);
    expect(frame).toContain('probe 2/3, reworded: "which planet is known as the red planet"');
    frame = await press(ui, 'p', /probe 3\/3, a near-miss.*\n.*\n.*got\s+l3/);
    expect(frame).toMatch(/expect\s+never l1b/);
    frame = await press(ui, 'p', /probe 1\/3.*\n.*\n.*got\s+l1a \(exact cache\)/);
    const sent = (effects.probe as unknown as { mock: { calls: Array<[unknown, { content: string }]> } }).mock.calls.map(([gateway, probe]) => [gateway, probe.content]);
    expect(sent).toEqual([
      [fakeGateway, 'Which planet is known as the Red Planet?'],
      [fakeGateway, 'which planet is known as the red planet'],
      [fakeGateway, 'Which planet is known as the Blue Planet?'],
      [fakeGateway, 'Which planet is known as the Red Planet?'],
    ]);
  });

  it('q quits, leaves the gateway running and says how to stop it', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects, atDashboard());
    await waitForFrame(ui, 'q quit, leave the gateway running');
    const frame = await press(ui, 'q', 'Bye.');
    expect(frame.replace(/\s+/g, ' ')).toContain('The gateway keeps running at http://127.0.0.1:8080; stop it with `isartor down`.');
    expect(effects.stopGateway).not.toHaveBeenCalled();
    expect(effects.unsubscribed()).toBe(true);
  });

  it('d stops the gateway, then quits', async () => {
    const effects = fakeEffects();
    const ui = renderApp(effects, atDashboard());
    await waitForFrame(ui, 'd stop the gateway and quit');
    const frame = await press(ui, 'd', 'The gateway has stopped.');
    expect(frame).toContain('Bye.');
    expect(effects.stopGateway).toHaveBeenCalledWith(fakeGateway);
  });
});
