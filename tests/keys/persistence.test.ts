import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { budgetResetAt, parseDuration, windowStartAt } from '../../source/keys/budget.js';
import { SpendLedger } from '../../source/state/spend-ledger-file.js';
import { VirtualKeys, virtualKeyPaths } from '../../source/keys/virtual-keys.js';
import { startHarness, userMessage, type Harness } from '../gateway/harness.js';

let harness: Harness | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isartor-keys-'));
  dirs.push(dir);
  return dir;
}

const master = 'master-key-persistence-1';
const asMaster = { authorization: `Bearer ${master}`, 'content-type': 'application/json' };
const pricing = { 'fake-model': { input: 1000, output: 2000 } };

describe('budget windows', () => {
  it('parses LiteLLM durations and cuts time into windows from the anchor', () => {
    expect([parseDuration('30s'), parseDuration('30m'), parseDuration('1h'), parseDuration('30d'), parseDuration('2w')]).toEqual([30_000, 1_800_000, 3_600_000, 2_592_000_000, 1_209_600_000]);
    expect([parseDuration('monthly'), parseDuration('0d'), parseDuration('-1d'), parseDuration('')]).toEqual([undefined, undefined, undefined, undefined]);
    const rule = { anchorMs: 1000, durationMs: 100 };
    expect([windowStartAt(rule, 1000), windowStartAt(rule, 1099), windowStartAt(rule, 1100), windowStartAt(rule, 1350)]).toEqual([1000, 1000, 1100, 1300]);
    expect(budgetResetAt(rule, 1350)).toBe(1400);
    expect(windowStartAt({ anchorMs: 1000, durationMs: null }, 99_999)).toBe(1000);
    expect(budgetResetAt({ anchorMs: 1000, durationMs: null }, 99_999)).toBeNull();
  });
});

describe('the spend ledger', () => {
  it('replays after a restart, skips a torn last line, and appends after it on a line of its own', () => {
    const file = join(tempStateDir(), 'spend.jsonl');
    const windowStartOf = () => 0;
    const first = new SpendLedger({ file, windowStartOf });
    first.charge('k1', 0.25, 1000);
    first.charge('k1', 0.5, 2000);
    first.charge('k2', 1, 3000);
    first.charge('k2', 0, 3000);
    first.close();
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A crash mid-write leaves half a line.
    appendFileSync(file, '{"t":"2026-11-21T12:0');
    const second = new SpendLedger({ file, windowStartOf });
    expect(second.skippedLines).toBe(1);
    expect(second.windowSpend('k1', 5000)).toBe(0.75);
    expect(second.totalSpend('k2')).toBe(1);
    second.charge('k1', 0.25, 6000);
    second.close();
    const third = new SpendLedger({ file, windowStartOf });
    expect(third.skippedLines).toBe(1);
    expect(third.windowSpend('k1', 7000)).toBe(1);
  });

  it('counts only the current window, the same way live and on replay', () => {
    const file = join(tempStateDir(), 'spend.jsonl');
    const windowStartOf = (_: string, atMs: number) => windowStartAt({ anchorMs: 0, durationMs: 1000 }, atMs);
    const live = new SpendLedger({ file, windowStartOf });
    live.charge('k', 1, 100);
    live.charge('k', 2, 900);
    expect(live.windowSpend('k', 999)).toBe(3);
    live.charge('k', 4, 1500);
    expect(live.windowSpend('k', 1999)).toBe(4);
    expect(live.windowSpend('k', 2000)).toBe(0);
    live.close();
    const replayed = new SpendLedger({ file, windowStartOf });
    expect(replayed.windowSpend('k', 1999)).toBe(4);
    expect(replayed.totalSpend('k')).toBe(7);
  });
});

describe('restarts', () => {
  it('keys and their spend survive a new gateway on the same state dir, and the budget still holds', async () => {
    const stateDir = tempStateDir();
    let keys = VirtualKeys.open(stateDir);
    harness = await startHarness({ gatewayApiKey: master, config: { pricing }, virtualKeys: keys });
    const generated = (await (await fetch(`${harness.url}/key/generate`, { method: 'POST', headers: asMaster, body: JSON.stringify({ key_alias: 'survivor', max_budget: 0.05 }) })).json()) as { key: string };
    await (await harness.chat(userMessage('first question'), { authorization: `Bearer ${generated.key}` })).text();
    await harness.gateway.drained();
    const before = (await (await fetch(`${harness.url}/key/info?key=survivor`, { headers: asMaster })).json()) as { info: { spend: number } };
    expect(before.info.spend).toBeGreaterThan(0);
    await harness.close();
    harness = undefined;
    keys.close();

    const { keysFile, ledgerFile } = virtualKeyPaths(stateDir);
    expect(readFileSync(keysFile, 'utf8')).not.toContain(generated.key);
    expect(statSync(keysFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(ledgerFile, 'utf8')).toContain('"usd"');

    keys = VirtualKeys.open(stateDir);
    harness = await startHarness({ gatewayApiKey: master, config: { pricing }, virtualKeys: keys });
    const after = (await (await fetch(`${harness.url}/key/info`, { headers: { authorization: `Bearer ${generated.key}` } })).json()) as { info: { spend: number; key_alias: string } };
    expect(after.info).toMatchObject({ key_alias: 'survivor', spend: before.info.spend });
    // Spend accumulated across the restart still reaches the budget.
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      const response = await harness.chat(userMessage(`question ${i} after the restart`), { authorization: `Bearer ${generated.key}` });
      await response.text();
      await harness.gateway.drained();
      status = response.status;
    }
    expect(status).toBe(400);
    keys.close();
  });

  it('picks up keys created and deleted by another process (the CLI) without a restart', async () => {
    const stateDir = tempStateDir();
    let gatewayKeys = VirtualKeys.open(stateDir, { recheckMs: 60_000 });
    harness = await startHarness({ gatewayApiKey: master, virtualKeys: gatewayKeys });
    const cli = VirtualKeys.open(stateDir);
    const { key } = cli.create({ alias: 'from-cli', models: ['fake-model'] });
    // Found at once although the periodic recheck is a minute away: an unknown key makes the gateway look.
    expect((await harness.chat(userMessage('hi'), { authorization: `Bearer ${key}` })).status).toBe(200);
    // /key/list reads the file as it is now.
    cli.delete(cli.list());
    const list = (await (await fetch(`${harness.url}/key/list`, { headers: asMaster })).json()) as { total_count: number };
    expect(list.total_count).toBe(0);
    await harness.close();
    gatewayKeys.close();

    // A deletion reaches requests within the recheck interval (500 ms by default; 0 here, so no sleeping).
    gatewayKeys = VirtualKeys.open(stateDir, { recheckMs: 0 });
    harness = await startHarness({ gatewayApiKey: master, virtualKeys: gatewayKeys });
    const second = cli.create({ alias: 'short-lived' });
    expect((await harness.chat(userMessage('hi'), { authorization: `Bearer ${second.key}` })).status).toBe(200);
    cli.delete(cli.list());
    expect((await harness.chat(userMessage('hi again'), { authorization: `Bearer ${second.key}` })).status).toBe(401);
    cli.close();
    gatewayKeys.close();
  });
});
