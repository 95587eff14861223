import { round5Pairs } from '../caching/near-duplicate/adversarial-pairs-round5.js';
import { describePairsThroughGateway } from './pairs-through-gateway.js';

describePairsThroughGateway('the fifth adversarial set through a running gateway', round5Pairs, 0.7);
