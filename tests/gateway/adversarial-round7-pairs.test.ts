import { round7Pairs } from '../caching/near-duplicate/adversarial-pairs-round7.js';
import { describePairsThroughGateway } from './pairs-through-gateway.js';

describePairsThroughGateway('the seventh adversarial set through a running gateway', round7Pairs, 0.7);
