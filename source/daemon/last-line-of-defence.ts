/**
 * The serving process's last line of defence. Every request path catches its own errors (a failed
 * request gets a 500 or 502); this catches what slips past them all, say a throw inside some library's
 * event handler, logs it and keeps serving. Exiting there would drop every other client's request in
 * flight for one bug; the log line says what to report. Returns a function that removes the handlers.
 */
export function keepServingThroughStrayErrors(report: (message: string) => void, target: NodeJS.Process = process): () => void {
  const describe = (error: unknown): string => (error instanceof Error ? (error.stack ?? error.message) : String(error));
  const say = (message: string): void => {
    try {
      report(message);
    } catch {
      // A log that cannot be written (a closed pipe) must not become the next stray error.
    }
  };
  const onException = (error: unknown): void => {
    say(`isartor caught an error no request handled and keeps serving (please report it): ${describe(error)}`);
  };
  const onRejection = (reason: unknown): void => {
    say(`isartor caught a promise rejection no request handled and keeps serving (please report it): ${describe(reason)}`);
  };
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
