// Provider faults, round 6 (tests/support/fake-upstream/fault-matrix-round6.ts): content codings that
// break, HTTP framing at its edges, JSON a strict parser refuses, types where objects belong, events out
// of order, and providers that never finish (short timeouts), for every caller protocol on every provider
// protocol, streamed and whole, checked as the earlier rounds check theirs (fault-matrix-check.ts).
import { round6Faults, round6SlowFaults } from '../support/fake-upstream/fault-matrix-round6.js';
import { describeFaultMatrix } from './fault-matrix-check.js';

describeFaultMatrix((wire) => `a ${wire} provider, round 6 faults`, round6Faults);
describeFaultMatrix((wire) => `a ${wire} provider that never finishes (short upstream timeouts), round 6`, round6SlowFaults, {
  harness: { upstream: { maxAnswerBytes: 256 * 1024, idleTimeoutMs: 800, timeoutMs: 3000 } },
  concurrent: true,
});
