// Provider faults, round 3 (tests/support/fake-upstream/fault-matrix-round3.ts): odd SSE framing, odd JSON
// and odd HTTP from the provider, for every caller protocol on every provider protocol, streamed and whole,
// checked as the first matrix checks its faults (fault-matrix-check.ts): the faithful answer or an error
// in the caller's protocol, nothing wrong cached, the record and the key's spend sane, /health up.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { round3Faults } from '../support/fake-upstream/fault-matrix-round3.js';
import { checkFault, harnessOptions, setups, virtualKey } from './fault-matrix-check.js';
import { startHarness, type Harness } from './harness.js';

for (const setup of setups) {
  for (const big of [false, true]) {
    describe(`a ${setup.wire} provider with odd ${big ? 'large ' : ''}answers`, () => {
      let harness: Harness;
      let key: string;
      beforeAll(async () => {
        harness = await startHarness(harnessOptions(setup.wire, big ? { upstream: { maxAnswerBytes: 16 * 1024 * 1024 } } : {}));
        harness.records = [];
        key = await virtualKey(harness);
      });
      afterAll(() => harness.close());

      for (const fault of round3Faults.filter((f) => (f.big ?? false) === big)) {
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
}
