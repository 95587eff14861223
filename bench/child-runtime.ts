// Shared plumbing of the benchmark's child processes (fake upstream, bare proxy, gateway):
// announce the URL on stdout, and shut down on SIGTERM/SIGINT or when the parent goes away
// (stdin closes), so no server outlives the benchmark even if the parent is killed hard.

/** The parent reads the first stdout line that starts with http:// as this child's URL. */
export function announce(url: string): void {
  process.stdout.write(`${url}\n`);
}

export function shutdownOn(close: () => Promise<void>): void {
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    // Never hang on a stuck close: the process exits within 2 s no matter what.
    setTimeout(() => process.exit(0), 2_000).unref();
    close()
      .catch((error: unknown) => process.stderr.write(`close failed: ${String(error)}\n`))
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
