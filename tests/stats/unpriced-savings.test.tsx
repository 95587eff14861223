// Savings on a model without a price are "unpriced" (null in JSON), never a made-up $0: in the summary,
// the stats line, the dashboard and its per-tool column.
import { describe, expect, it } from 'vitest';
import { formatUsd } from '../../source/stats/format-usd.js';
import { summarise } from '../../source/stats/summarise.js';
import { fakeEffects, fakeGateway, stats } from '../setup/fake-effects.js';
import { waitForFrame } from '../setup/ink-keys.js';
import { renderApp } from '../setup/render-app.js';
import { initialSetupState, setupReducer } from '../../source/setup/flow.js';
import { requestRecord } from './request-record-fixture.js';

const unpricedHit = requestRecord({ layer: 'l1a', tokensSaved: 500, costSavedUsd: null });
const pricedHit = requestRecord({ layer: 'l1a', tokensSaved: 500, costSavedUsd: 0.002 });

describe('unpriced savings', () => {
  it('savedUsd is null when tokens were saved and no price applied; a number when any did; 0 when nothing was saved', () => {
    expect(summarise([unpricedHit, requestRecord({ inputTokens: 100 })]).cost.savedUsd).toBeNull();
    expect(summarise([unpricedHit, pricedHit]).cost.savedUsd).toBe(0.002);
    expect(summarise([requestRecord({ inputTokens: 100, costUsd: 0.001 })]).cost.savedUsd).toBe(0);
    expect(JSON.parse(JSON.stringify(summarise([unpricedHit]))).cost.savedUsd).toBeNull();
  });

  it('formats as "unpriced"', () => {
    expect(formatUsd(null)).toBe('unpriced');
    expect(formatUsd(0)).toBe('$0');
  });

  it('the dashboard shows "unpriced" in its saved line and per-tool column, not $0', async () => {
    const summary = summarise([unpricedHit]);
    const effects = fakeEffects({ fetchStats: async () => stats(summary, [{ client: 'openclaw', ...summary }]) });
    const state = setupReducer({ ...initialSetupState({ demo: true }), gateway: { ...initialSetupState().gateway, status: 'starting' } }, { type: 'gatewayStarted', gateway: fakeGateway });
    const frame = await waitForFrame(renderApp(effects, state), /openclaw\s+1/);
    expect(frame).toMatch(/saved\s+500 tokens\s+unpriced/);
    expect(frame).toMatch(/openclaw\s+1\s+100\.0%\s+100 ms\s+500\s+unpriced/);
    expect(frame).not.toMatch(/500 tokens\s+\$0/);
  });
});
