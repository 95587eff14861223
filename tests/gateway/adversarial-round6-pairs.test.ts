import { round6Pairs } from '../caching/near-duplicate/adversarial-pairs-round6.js';
import { describePairsThroughGateway } from './pairs-through-gateway.js';

describePairsThroughGateway('the sixth adversarial set through a running gateway', round6Pairs, 0.7);
