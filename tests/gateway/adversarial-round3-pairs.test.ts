import { round3Pairs } from '../caching/near-duplicate/adversarial-pairs-round3.js';
import { describePairsThroughGateway } from './pairs-through-gateway.js';

describePairsThroughGateway('the third adversarial set through a running gateway', round3Pairs, 0.7);
