// Every provider fault (tests/support/fake-upstream/fault-matrix.ts) for every caller protocol (chat
// completions, Anthropic messages, Responses) on every provider protocol (OpenAI-compatible chat,
// Anthropic, Responses passed through), streamed and whole. For each: what the client gets (an answer, or
// an error in its own protocol's format), that a bad answer is kept by neither cache (the same request
// and a reworded one reach the provider again), that the virtual key is charged what its record says
// and the record is sane, and that /health still answers.
import { matrixFaults } from '../support/fake-upstream/fault-matrix.js';
import { describeFaultMatrix } from './fault-matrix-check.js';

describeFaultMatrix((wire) => `a ${wire} provider that misbehaves`, matrixFaults.filter((fault) => !fault.slow));
describeFaultMatrix((wire) => `a ${wire} provider that stops sending (upstream timeout)`, matrixFaults.filter((fault) => fault.slow), {
  harness: { upstream: { maxAnswerBytes: 256 * 1024, timeoutMs: 1500 } },
  everyMode: true,
  concurrent: true,
});
