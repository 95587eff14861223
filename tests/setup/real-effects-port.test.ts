// The wizard's port-in-use offer goes through the same core function as `isartor up --port`: the port it
// starts the gateway on becomes the config's.
import { afterEach, describe, expect, it } from 'vitest';
import { stopGateway } from '../../source/daemon/stop-gateway.js';
import { createSetupEffects } from '../../source/setup/real-effects.js';
import { ConfigStore } from '../../source/store/config.js';
import { cleanupTempHomes, freePort, makeTempHome } from '../cli/run-cli.js';

const homes: string[] = [];
afterEach(async () => {
  for (const home of homes.splice(0)) await stopGateway(home, { timeoutMs: 5000, force: false });
  await cleanupTempHomes();
});

describe('the wizard starting the gateway', () => {
  it('saves the port it chose to the config', async () => {
    const home = makeTempHome();
    homes.push(home);
    new ConfigStore(home).saveProvider('groq', { apiKey: 'gsk_abcdefghijklmnop1234' });
    const port = await freePort();
    const outcome = await createSetupEffects({ stateDir: home }).startGateway({ port, restart: false });
    expect(outcome.kind).toBe('running');
    expect(new ConfigStore(home).read().gateway.port).toBe(port);
  }, 60_000);
});
