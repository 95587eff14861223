// CPU time used by a process (all its threads), so each scenario can report CPU per request for the
// load generator, the fake upstream and the server under test. On a small machine those processes
// compete for the same cores, and CPU per request says more than requests per second alone.
import { readFileSync } from 'node:fs';

// USER_HZ: 100 on every mainstream Linux build (getconf CLK_TCK).
const ticksPerSecond = 100;

/** User + system CPU milliseconds of `pid` so far (10 ms resolution), or undefined off Linux. */
export function cpuMs(pid: number): number | undefined {
  if (pid === process.pid) {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / ticksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

/** Starts measuring the given processes; the returned function gives each one's CPU ms since then. */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number | undefined> {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMs(pid)]));
  return () =>
    Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => {
        const before = start[name];
        const now = cpuMs(pid);
        return [name, before === undefined || now === undefined ? undefined : now - before];
      }),
    );
}

/** Busy (non-idle, non-iowait) CPU milliseconds of the whole machine so far, summed over cores; undefined off Linux. */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return Number.isFinite(busy) ? (busy * 1000) / ticksPerSecond : undefined;
  } catch {
    return undefined;
  }
}

/** How many cores' worth of CPU the machine used over `ms`, or undefined off Linux. */
export async function machineLoad(ms: number): Promise<number | undefined> {
  const before = machineBusyMs();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineBusyMs();
  return before === undefined || after === undefined ? undefined : (after - before) / ms;
}
