import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resource use of one process over a sampling window. */
export interface ProcessUsage {
  /** Highest resident set size seen, in MB (10^6 bytes). */
  peakRssMb: number;
  /**
   * CPU time of all the process's threads divided by the window's wall time, in percent, so a
   * process that keeps two cores busy shows 200.
   */
  cpuPercent: number;
}

const sampleIntervalMs = 200;

/**
 * Samples a Linux process's CPU time and resident memory from `/proc/<pid>/stat` and
 * `/proc/<pid>/status` until {@link ProcessSampler.stop}. RSS is polled every 200 ms, so a
 * shorter peak can be missed; CPU time is exact, from the kernel's counters at start and stop.
 */
export class ProcessSampler {
  private readonly timer: NodeJS.Timeout;
  private readonly startTicks: number;
  private readonly startMs = performance.now();
  private peakRssKb = 0;

  constructor(private readonly pid: number) {
    this.startTicks = readCpuTicks(pid);
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), sampleIntervalMs);
  }

  /** Stops sampling and returns the usage over the window. */
  stop(): ProcessUsage {
    clearInterval(this.timer);
    this.sampleRss();
    const seconds = (performance.now() - this.startMs) / 1000;
    const cpuSeconds = (readCpuTicks(this.pid) - this.startTicks) / clockTicksPerSecond();
    return { peakRssMb: (this.peakRssKb * 1024) / 1e6, cpuPercent: seconds > 0 ? (100 * cpuSeconds) / seconds : 0 };
  }

  private sampleRss(): void {
    this.peakRssKb = Math.max(this.peakRssKb, readRssKb(this.pid));
  }
}

/** Reads user plus system CPU time of all threads of `pid`, in clock ticks (proc(5) fields 14 and 15). */
export function readCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in field 2 may contain spaces and parentheses, so fields are counted from its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  if (!Number.isFinite(userTicks) || !Number.isFinite(systemTicks)) {
    throw new Error(`cannot read CPU time from /proc/${pid}/stat: unexpected content ${JSON.stringify(stat.slice(0, 200))}`);
  }
  return userTicks + systemTicks;
}

/** Reads the resident set size of `pid` in KiB (`VmRSS` in `/proc/<pid>/status`). */
export function readRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`cannot read VmRSS from /proc/${pid}/status; the process may have exited`);
  return Number(match[1]);
}

let cachedTicksPerSecond: number | undefined;

/** Returns the kernel's clock ticks per second (`getconf CLK_TCK`), 100 when getconf is missing. */
function clockTicksPerSecond(): number {
  if (cachedTicksPerSecond === undefined) {
    try {
      cachedTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      cachedTicksPerSecond = 100;
    }
  }
  return cachedTicksPerSecond;
}
