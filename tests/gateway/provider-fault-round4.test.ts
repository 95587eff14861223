// Provider faults, round 4 (tests/support/fake-upstream/fault-matrix-round4.ts) for every caller protocol on
// every provider protocol, streamed and whole, checked as the earlier rounds check theirs (fault-matrix-check.ts):
// the faithful answer or an error in the caller's protocol, nothing wrong cached, the record and the key's
// spend sane, /health up.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { round4Faults } from '../support/fake-upstream/fault-matrix-round4.js';
import { checkFault, harnessOptions, setups, virtualKey } from './fault-matrix-check.js';
import { startHarness, type Harness } from './harness.js';

for (const setup of setups) {
  describe(`a ${setup.wire} provider, round 4 faults`, () => {
    let harness: Harness;
    let key: string;
    beforeAll(async () => {
      harness = await startHarness(harnessOptions(setup.wire));
      harness.records = [];
      key = await virtualKey(harness);
    });
    afterAll(() => harness.close());

    for (const fault of round4Faults) {
      for (const caller of setup.callers) {
        for (const stream of fault.streams) {
          if (!fault.mode(setup.wire, stream, 'x')) continue;
          it(`${fault.name} (${stream ? 'stream' : 'whole'}), asked in ${caller}`, async () => {
            await checkFault(harness, key, fault, setup.wire, caller, stream);
          });
        }
      }
    }
  });
}
