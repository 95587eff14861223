// Provider faults, round 3 (tests/support/fake-upstream/fault-matrix-round3.ts): odd SSE framing, odd JSON
// and odd HTTP from the provider, for every caller protocol on every provider protocol, streamed and whole,
// checked as the first matrix checks its faults (fault-matrix-check.ts): the faithful answer or an error
// in the caller's protocol, nothing wrong cached, the record and the key's spend sane, /health up.
import { round3Faults } from '../support/fake-upstream/fault-matrix-round3.js';
import { describeFaultMatrix } from './fault-matrix-check.js';

describeFaultMatrix((wire) => `a ${wire} provider with odd answers`, round3Faults.filter((fault) => !fault.big));
describeFaultMatrix((wire) => `a ${wire} provider with odd large answers`, round3Faults.filter((fault) => fault.big), { harness: { upstream: { maxAnswerBytes: 16 * 1024 * 1024 } } });
