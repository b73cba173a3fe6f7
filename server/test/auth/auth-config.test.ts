import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, resolveAuthMode } from '../../src/auth/auth-mode';
import { ConfigError, loadConfig } from '../../src/config/load-config';
import { startServer } from '../../src/start-server';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST', 'api.localhost'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '', '10.0.0.1', '192.168.1.10', 'example.com', 'localhost.example.com', '128.0.0.1'])('rejects %j', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('AUTH default', () => {
  it('is off on the default loopback host', () => {
    expect(loadConfig({}).auth).toBe('off');
  });

  it('is required on a wildcard host', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).auth).toBe('required');
  });

  it('is required on a LAN address', () => {
    expect(loadConfig({ HOST: '192.168.1.10' }).auth).toBe('required');
  });

  it('can be required on loopback', () => {
    expect(loadConfig({ AUTH: 'required' }).auth).toBe('required');
  });
});

describe('AUTH=off on a public host', () => {
  it('is a configuration error', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0', AUTH: 'off' })).toThrow(ConfigError);
  });

  it('says how to enable authentication', () => {
    const problem = resolveAuthMode('0.0.0.0', 'off');
    expect(problem.ok).toBe(false);
    const message = problem.ok ? '' : problem.problem;
    expect(message).toContain('AUTH=required');
    expect(message).toContain('npm run keys -- create --org');
  });

  it('rejects an unknown AUTH value', () => {
    expect(() => loadConfig({ AUTH: 'maybe' })).toThrow(/AUTH="maybe" must be required or off/);
  });

  it('stops the server process before it listens', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): the check must fail before any bind is tried.
    const result = await runMain({ HOST: '192.0.2.10', AUTH: 'off', PORT: '0' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('AUTH=off is only allowed');
    expect(result.stdout).not.toContain('listening');
  });

  it('is rejected by startServer too', async () => {
    const config = { ...loadConfig({ PORT: '0' }), host: '0.0.0.0', auth: 'off' as const };
    await expect(startServer(config, pino({ level: 'silent' }))).rejects.toThrow(/AUTH=off is only allowed/);
  });
});

describe('start-up with auth off', () => {
  it('logs a warning', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ledger-auth-'));
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        callback();
      },
    });
    const config = loadConfig({ PORT: '0', DATABASE_PATH: join(folder, 'events.db') });
    const server = await startServer(config, pino({ level: 'info' }, destination));
    await server.close();
    rmSync(folder, { recursive: true, force: true });

    const warnings = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level === 40);
    expect(warnings.some((entry) => entry.msg.includes('authentication is off'))).toBe(true);
  });
});

describe('rate limit settings', () => {
  it('are off by default on loopback', () => {
    expect(loadConfig({}).rateLimit).toBeUndefined();
  });

  it('default to 200 per second off loopback', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).rateLimit).toEqual({ perSecond: 200, burst: 400 });
  });

  it('turn on when set on loopback', () => {
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '7' }).rateLimit).toEqual({ perSecond: 5, burst: 7 });
  });

  it('turn off with zero', () => {
    expect(loadConfig({ HOST: '0.0.0.0', RATE_LIMIT_PER_SECOND: '0' }).rateLimit).toBeUndefined();
  });

  it('reject a negative rate', () => {
    expect(() => loadConfig({ RATE_LIMIT_PER_SECOND: '-1' })).toThrow(/RATE_LIMIT_PER_SECOND/);
  });

  it('reject a fractional burst', () => {
    expect(() => loadConfig({ RATE_LIMIT_BURST: '1.5' })).toThrow(/RATE_LIMIT_BURST/);
  });
});

function runMain(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      env: { ...process.env, ...env, DATABASE_PATH: join(tmpdir(), `ledger-never-created-${process.pid}`, 'events.db') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
