// Provider faults, round 5 (tests/support/fake-upstream/fault-matrix-round5.ts): labels that lie, legal but
// unusual SSE, event sequences a parser does not expect, odd error bodies and retry-after values, odd HTTP,
// for every caller protocol on every provider protocol, streamed and whole, checked as the earlier rounds
// check theirs (fault-matrix-check.ts): the faithful answer or an error in the caller's protocol, nothing
// wrong cached, the record and the key's spend sane, /health up.
import { round5Faults, round5SlowFaults } from '../support/fake-upstream/fault-matrix-round5.js';
import { describeFaultMatrix } from './fault-matrix-check.js';

describeFaultMatrix((wire) => `a ${wire} provider, round 5 faults`, round5Faults);
describeFaultMatrix((wire) => `a ${wire} provider that stops after its opening event (upstream idle timeout)`, round5SlowFaults, {
  harness: { upstream: { maxAnswerBytes: 256 * 1024, idleTimeoutMs: 800 } },
  concurrent: true,
});
