// Loaded with `node --import` into a real `isartor up` by tests/daemon/last-line-of-defence.test.ts:
// on SIGUSR2 it throws where no request handler can catch: in a timer, in an event handler, and as a
// promise nobody awaits. The serving process must log each one and keep serving.
import { EventEmitter } from 'node:events';

const emitter = new EventEmitter();
emitter.on('tick', () => {
  throw new Error('injected: a throw inside an event handler');
});
process.on('SIGUSR2', () => {
  setImmediate(() => {
    throw new Error('injected: a throw inside a timer');
  });
  setImmediate(() => emitter.emit('tick'));
  void Promise.reject(new Error('injected: a rejection nobody handles'));
});
