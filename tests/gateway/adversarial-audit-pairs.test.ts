import { auditPairs } from '../caching/near-duplicate/adversarial-pairs-audit.js';
import { describePairsThroughGateway } from './pairs-through-gateway.js';

describePairsThroughGateway('the audit pairs through a running gateway', auditPairs, 0.75);
