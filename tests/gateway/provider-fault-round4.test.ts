// Provider faults, round 4 (tests/support/fake-upstream/fault-matrix-round4.ts) for every caller protocol on
// every provider protocol, streamed and whole, checked as the earlier rounds check theirs (fault-matrix-check.ts):
// the faithful answer or an error in the caller's protocol, nothing wrong cached, the record and the key's
// spend sane, /health up.
import { round4Faults } from '../support/fake-upstream/fault-matrix-round4.js';
import { describeFaultMatrix } from './fault-matrix-check.js';

describeFaultMatrix((wire) => `a ${wire} provider, round 4 faults`, round4Faults);
