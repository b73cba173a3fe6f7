import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBenchOptions } from '../bench/bench-options';
import { ProcessSampler } from '../bench/process-sampler';
import { meanGroupSize, parseGroupStats } from '../bench/read-group-stats';
import { analysisMarker, writeReport } from '../bench/write-report';

const root = fileURLToPath(new URL('../..', import.meta.url));
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'bench-test-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('keeps the analysis after the marker', () => {
    const path = join(folder, 'kept.md');
    writeFileSync(path, `# Old run\n\nold table\n\n${analysisMarker}\n\n## Analysis\n\nThe writer holds publish back.\n`);
    writeReport(path, '# New run\n\nnew table\n');
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('new table');
    expect(text).not.toContain('old table');
    expect(text).toContain(`${analysisMarker}\n\n## Analysis\n\nThe writer holds publish back.\n`);
  });

  it('adds the marker to a new file', () => {
    const path = join(folder, 'new', 'report.md');
    writeReport(path, '# First run\n');
    expect(readFileSync(path, 'utf8')).toBe(`# First run\n\n${analysisMarker}\n`);
  });
});

describe('parseGroupStats', () => {
  const metrics = (groups: number, units: number, events: number) =>
    [
      '# HELP ledger_append_group_duration_seconds Time to commit one group.',
      '# TYPE ledger_append_group_duration_seconds histogram',
      'ledger_append_group_duration_seconds_sum 0.5',
      'ledger_append_group_duration_seconds_count 999',
      '# TYPE ledger_append_group_units histogram',
      'ledger_append_group_units_bucket{le="1"} 3',
      `ledger_append_group_units_sum ${units}`,
      `ledger_append_group_units_count ${groups}`,
      `ledger_events_appended_total ${events}`,
    ].join('\n');

  it('skips duration histograms', () => {
    expect(parseGroupStats(metrics(10, 40, 400))?.metric).toBe('ledger_append_group_units');
  });

  it('prefers events per group', () => {
    const mean = meanGroupSize(parseGroupStats(metrics(10, 40, 400)), parseGroupStats(metrics(20, 90, 1400)));
    expect(mean).toEqual({ size: 100, unit: 'events' });
  });

  it('returns undefined without a histogram', () => {
    expect(parseGroupStats('http_requests_total{route="/events"} 5\n')).toBeUndefined();
  });
});

describe('ProcessSampler', () => {
  it('measures this process', async () => {
    const sampler = new ProcessSampler(process.pid);
    const busyUntil = performance.now() + 300;
    while (performance.now() < busyUntil) Math.sqrt(Math.random());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const usage = sampler.stop();
    expect(usage.peakRssMb).toBeGreaterThan(10);
    expect(usage.cpuPercent).toBeGreaterThan(0);
  });
});

describe('parseBenchOptions', () => {
  it('shortens runs with --quick', () => {
    const options = parseBenchOptions(['--quick']);
    expect(options.durationSeconds).toBe(3);
    expect(options.warmupSeconds).toBe(1);
  });

  it('lets explicit durations override --quick', () => {
    expect(parseBenchOptions(['--quick', '--duration', '5']).durationSeconds).toBe(5);
  });

  it('resolves the profile folder', () => {
    expect(parseBenchOptions(['--cpu-prof']).cpuProfileDir).toBe(join(process.cwd(), 'data/cpu-profiles'));
  });
});

// A whole run with one-second scenarios takes about 20 seconds and loads both cores; BENCH_TEST=0 skips it.
describe.skipIf(process.env.BENCH_TEST === '0')('bench command', () => {
  it('writes a report with every scenario', () => {
    const output = join(folder, 'benchmarks.md');
    writeFileSync(output, `old\n${analysisMarker}\nkept analysis\n`);
    const args = ['--import', 'tsx', 'scripts/bench.ts', '--duration', '1', '--warmup', '0', '--connections', '4', '--batch-size', '10', '--output', output];
    execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe', timeout: 120_000 });

    const report = readFileSync(output, 'utf8');
    for (const scenario of ['| REST publish |', '| tRPC publish |', '| batch publish (10 events) |', '| list (limit 50) |', '| get by id |', '| bare Hono POST (ceiling) |', '| SQLite inserts, batch group size (ceiling) |']) {
      expect(report).toContain(scenario);
    }
    expect(report).toMatch(/\| ledger server RSS under load < 250 MB \| \d+ MB \| (met|missed) \|/);
    expect(report.endsWith(`${analysisMarker}\nkept analysis\n`)).toBe(true);
  }, 150_000);
});
