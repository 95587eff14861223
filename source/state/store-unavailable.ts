import { UserError } from '../user-error.js';

/** The shared store (Redis) cannot be reached right now: a change is refused rather than kept on one instance only. */
export class StoreUnavailableError extends UserError {}
