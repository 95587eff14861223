// Every provider fault (tests/support/fake-upstream/fault-matrix.ts) for every caller protocol (chat
// completions, Anthropic messages, Responses) on every provider protocol (OpenAI-compatible chat,
// Anthropic, Responses passed through), streamed and whole. For each: what the client gets (an answer, or
// an error in its own protocol's format), that a bad answer is kept by neither cache (the same request
// and a reworded one reach the provider again), that the virtual key is charged what its record says
// and the record is sane, and that /health still answers.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { matrixFaults } from '../support/fake-upstream/fault-matrix.js';
import { checkFault, harnessOptions, setups, virtualKey } from './fault-matrix-check.js';
import { startHarness, type Harness } from './harness.js';

for (const setup of setups) {
  describe(`a ${setup.wire} provider that misbehaves`, () => {
    let harness: Harness;
    let key: string;
    beforeAll(async () => {
      harness = await startHarness(harnessOptions(setup.wire));
      harness.records = [];
      key = await virtualKey(harness);
    });
    afterAll(() => harness.close());

    for (const fault of matrixFaults.filter((f) => !f.slow)) {
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

  describe(`a ${setup.wire} provider that stops sending (upstream timeout)`, () => {
    let harness: Harness;
    let key: string;
    beforeAll(async () => {
      harness = await startHarness(harnessOptions(setup.wire, { upstream: { maxAnswerBytes: 256 * 1024, timeoutMs: 1500 } }));
      harness.records = [];
      key = await virtualKey(harness);
    });
    afterAll(() => harness.close());

    for (const fault of matrixFaults.filter((f) => f.slow)) {
      for (const caller of setup.callers) {
        for (const stream of fault.streams) {
          it(`${fault.name} (${stream ? 'stream' : 'whole'}), asked in ${caller}`, async () => {
            await checkFault(harness, key, fault, setup.wire, caller, stream);
          });
        }
      }
    }
  });
}
