import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/create-program';
import { cliTestTimeoutMs, repositoryRoot, runCli, spawnCli } from './run-cli';

const clientOptions = ['--url <url>', 'env: EVENTS_URL', '--api-key <key>', 'env: EVENTS_API_KEY'];

/** Every option of every subcommand, as its --help must show it. */
const expectedOptions: Record<string, string[]> = {
  serve: ['--host <host>', '--port <port>', '--database <path>', '--log-level <level>', 'HOST', 'PORT', 'DATABASE_PATH', 'LOG_LEVEL'],
  publish: ['[event]', '-f, --file <path>', '--idempotency-key <key>', '--compact', ...clientOptions],
  get: ['<id>', '--compact', ...clientOptions],
  list: [
    '--type <type>',
    '--org <orgId>',
    '--actor <actorId>',
    '--after <eventId>',
    '--since <time>',
    '--until <time>',
    '--order <order>',
    '--limit <count>',
    '--cursor <cursor>',
    '--all',
    '--json',
    ...clientOptions,
  ],
  tail: ['--type <type>', '--org <orgId>', '--actor <actorId>', '--after <eventId>', '--interval <ms>', '--json', ...clientOptions],
  verify: ['--database <path>', 'env: DATABASE_PATH', '--json'],
  'workflows create': [
    '--name <name>',
    '--on <pattern>',
    '--webhook <url>',
    '--org <orgId>',
    '--max-attempts <count>',
    '--initial-delay <ms>',
    '--max-delay <ms>',
    '--disabled',
    '--json',
    ...clientOptions,
  ],
  'workflows list': ['--org <orgId>', '--json', ...clientOptions],
  'workflows enable': ['<id>', '--json', ...clientOptions],
  'workflows disable': ['<id>', '--json', ...clientOptions],
  'workflows runs': ['<id>', '--status <status>', '--order <order>', '--limit <count>', '--cursor <cursor>', '--all', '--json', ...clientOptions],
};

/** Returns the subcommand at `path`, such as `workflows create`. */
function findSubcommand(program: Command, path: string): Command | undefined {
  let command: Command | undefined = program;
  for (const name of path.split(' ')) command = command?.commands.find((candidate) => candidate.name() === name);
  return command;
}

/** Returns the text after `flag` on its help line, which is the start of its description. */
function describedOption(help: string, flag: string): string | undefined {
  const lines = help.split('\n');
  const index = lines.findIndex((line) => line.trimStart().startsWith(flag));
  if (index === -1) return undefined;
  return lines[index]!.slice(lines[index]!.indexOf(flag) + flag.length).trim();
}

describe('events subcommand help', () => {
  // Built in this process, because the text is the same and each spawned CLI costs a tsx start.
  const program = createProgram();

  for (const [subcommand, options] of Object.entries(expectedOptions)) {
    it(`describes every ${subcommand} option`, () => {
      const help = findSubcommand(program, subcommand)?.helpInformation() ?? '';

      // Commander wraps descriptions at the terminal width, so compare with the whitespace collapsed.
      const flattened = help.replace(/\s+/g, ' ');
      for (const option of options) expect(flattened, `${subcommand} --help mentions ${option}`).toContain(option);
      for (const flag of options.filter((option) => option.startsWith('-'))) {
        expect(describedOption(help, flag), `${subcommand} --help describes ${flag}`).not.toBe('');
      }
    });
  }
});

describe('events --help', { timeout: cliTestTimeoutMs }, () => {
  it('prints subcommand help on stdout', async () => {
    const result = await runCli(['tail', '--help']);

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: events tail \[options\]/);
    expect(result.stdout.replace(/\s+/g, ' ')).toContain('--interval <ms> milliseconds to wait between polls');
  });

  it('lists every subcommand', async () => {
    const result = await runCli(['--help']);

    expect(result.status).toBe(0);
    for (const subcommand of ['serve', 'publish', 'get', 'list', 'tail', 'verify', 'workflows']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${subcommand} `, 'm'));
    }
  });

  it('rejects unknown subcommand', async () => {
    const result = await runCli(['pubish']);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("error: unknown command 'pubish'");
    expect(result.stderr).toContain('(Did you mean publish?)');
  });

  it('rejects unknown option', async () => {
    const result = await runCli(['list', '--colour']);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain("error: unknown option '--colour'");
  });
});

describe('events bin shim', { timeout: cliTestTimeoutMs }, () => {
  it('prints package version', async () => {
    const { version } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { version: string };
    const child = spawnCli(['--version'], { entry: 'bin/events.js' });
    let stdout = '';
    child.stdout?.on('data', (chunk: string) => (stdout += chunk));

    const status = await new Promise((resolve) => child.once('close', resolve));

    expect(status).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });
});
