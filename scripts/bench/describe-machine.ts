import { readFileSync } from 'node:fs';
import { availableParallelism, release } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { repoRoot } from './repo-root';

/** Description of the machine a benchmark ran on: hardware, operating system and software versions. */
export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  sqlite: string;
  /** Installed version of each package, read from `node_modules/<name>/package.json`. */
  packages: Record<string, string>;
}

/** Packages whose versions shape the figures: the HTTP stack, tRPC, SQLite driver, and the load generator. */
const reportedPackages = ['hono', '@hono/node-server', '@trpc/server', 'superjson', 'zod', 'better-sqlite3', 'kysely', 'pino', 'tsx', 'autocannon'];

/** Describes this machine from `/proc/cpuinfo`, `/proc/meminfo` and `/etc/os-release`. */
export function describeMachine(): MachineDescription {
  const memoryKb = Number(/^MemTotal:\s+(\d+) kB$/m.exec(readText('/proc/meminfo'))?.[1] ?? Number.NaN);
  const osName = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readText('/etc/os-release'))?.[1] ?? 'unknown Linux';
  const connection = new Database(':memory:');
  const sqlite = connection.prepare('select sqlite_version()').pluck().get() as string;
  connection.close();
  return {
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(readText('/proc/cpuinfo'))?.[1]?.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: memoryKb / 1024 / 1024,
    os: `${osName}, Linux ${release()}`,
    node: process.version,
    sqlite,
    packages: Object.fromEntries(reportedPackages.map((name) => [name, packageVersion(name)])),
  };
}

function packageVersion(name: string): string {
  try {
    const manifest = JSON.parse(readText(join(repoRoot, 'node_modules', name, 'package.json'))) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'not installed';
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
