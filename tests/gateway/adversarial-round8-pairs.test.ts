import { round8Pairs } from '../caching/near-duplicate/adversarial-pairs-round8.js';
import { describePairsThroughGateway } from './pairs-through-gateway.js';

describePairsThroughGateway('the eighth adversarial set through a running gateway', round8Pairs, 0.7);
