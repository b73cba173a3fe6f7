import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config';

const base = { HOST: '127.0.0.1', DATABASE_PATH: '/tmp/unused.db' };

describe('workflow configuration', () => {
  it('has documented defaults', () => {
    expect(loadConfig(base).workflows).toEqual({
      file: undefined,
      concurrency: 16,
      leaseMs: 60_000,
      webhookTimeoutMs: 15_000,
      codeTimeoutMs: 30_000,
      pollIntervalMs: 1_000,
      allowPrivateAddresses: undefined,
      allowedNetworks: [],
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...base,
      WORKFLOWS_FILE: '/etc/workflows.json',
      WORKFLOW_CONCURRENCY: '4',
      WORKFLOW_LEASE_MS: '5000',
      WORKFLOW_WEBHOOK_TIMEOUT_MS: '1000',
      WORKFLOW_CODE_TIMEOUT_MS: '2000',
      WORKFLOW_POLL_INTERVAL_MS: '100',
      WEBHOOK_ALLOW_PRIVATE: 'false',
      WEBHOOK_ALLOWED_NETWORKS: '10.0.0.0/8, fd00::/8',
    });
    expect(config.workflows).toEqual({
      file: '/etc/workflows.json',
      concurrency: 4,
      leaseMs: 5000,
      webhookTimeoutMs: 1000,
      codeTimeoutMs: 2000,
      pollIntervalMs: 100,
      allowPrivateAddresses: false,
      allowedNetworks: ['10.0.0.0/8', 'fd00::/8'],
    });
  });

  it('rejects lease shorter than timeouts', () => {
    expect(() => loadConfig({ ...base, WORKFLOW_LEASE_MS: '10000' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, WORKFLOW_LEASE_MS: '10000' })).toThrow('WORKFLOW_LEASE_MS=10000 must be longer than');
  });

  it.each([
    ['WEBHOOK_ALLOWED_NETWORKS', '10.0.0.0/33', 'must be comma-separated CIDRs such as "10.0.0.0/8,fd00::/8"; "10.0.0.0/33" is not a CIDR'],
    ['WEBHOOK_ALLOW_PRIVATE', 'yes', 'must be true or false'],
    ['WORKFLOW_CONCURRENCY', '0', 'must be from 1 to 1024'],
  ])('rejects %s=%s', (name, value, message) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(`${name}=${JSON.stringify(value)} ${message}`);
  });
});
