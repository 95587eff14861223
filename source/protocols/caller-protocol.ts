/** The protocol a caller speaks; answers and errors go back in it. */
export type CallerProtocol = 'openai' | 'anthropic' | 'responses';
