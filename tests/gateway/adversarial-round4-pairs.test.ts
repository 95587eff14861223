import { round4Pairs } from '../caching/near-duplicate/adversarial-pairs-round4.js';
import { describePairsThroughGateway } from './pairs-through-gateway.js';

describePairsThroughGateway('the fourth adversarial set through a running gateway', round4Pairs, 0.7);
