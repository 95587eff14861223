// Provider faults, round 7 (tests/support/fake-upstream/fault-matrix-round7.ts): errors in other
// providers' shapes (their words reach the client), the same under a 200 and inside streams, answers in
// another API's shape, the legacy function_call, reasoning, logprobs and refusals beside the text, tool
// calls sharing an id, streams that start over, and a stream request that never gets its headers (short
// timeouts), for every caller protocol on every provider protocol, streamed and whole, checked as the
// earlier rounds check theirs (fault-matrix-check.ts).
import { round7Faults, round7SlowFaults } from '../support/fake-upstream/fault-matrix-round7.js';
import { describeFaultMatrix } from './fault-matrix-check.js';

describeFaultMatrix((wire) => `a ${wire} provider, round 7 faults`, round7Faults);
describeFaultMatrix((wire) => `a ${wire} provider that never sends its headers (short upstream timeouts), round 7`, round7SlowFaults, {
  harness: { upstream: { maxAnswerBytes: 256 * 1024, idleTimeoutMs: 800, timeoutMs: 3000 } },
  everyMode: true,
});
