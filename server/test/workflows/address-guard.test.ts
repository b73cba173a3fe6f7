import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import {
  type AddressClass,
  type AddressGuard,
  checkUrlHost,
  classifyAddress,
  createAddressGuard,
  type ResolveHost,
} from '../../src/workflows/address-guard';

// Addresses here are only classified or returned by fake resolvers, and nothing connects to them.
const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

function fakeResolver(records: Record<string, string[]>): ResolveHost {
  return async (hostname) => {
    const addresses = records[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses;
  };
}

type LookupOutcome = { error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function runLookup(guard: AddressGuard, hostname: string, options: LookupOptions): Promise<LookupOutcome> {
  return new Promise((resolve) => {
    guard.lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('classifyAddress', () => {
  const table: Array<[ip: string, expected: AddressClass]> = [
    [PUBLIC_V4, 'public'],
    ['8.8.8.8', 'public'],
    ['172.15.255.255', 'public'],
    ['172.32.0.0', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.0', 'public'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.255', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.0.1', 'link-local'],
    ['169.254.169.253', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.20.0.0', 'public'],
    ['192.0.2.1', 'reserved'],
    [PUBLIC_V6, 'public'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['fd00:ec2::254', 'metadata'],
    ['FD00:EC2:0:0:0:0:0:254', 'metadata'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::ffff:10.1.2.3', 'private'],
    [`::ffff:${PUBLIC_V4}`, 'public'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::808:808', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:808:808::1', 'public'],
    ['::127.0.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001:db8:ffff::1', 'reserved'],
  ];

  for (const [ip, expected] of table) {
    it(`classifies ${ip} as ${expected}`, () => {
      expect(classifyAddress(ip)).toBe(expected);
    });
  }

  it('rejects a host name', () => {
    expect(() => classifyAddress('localhost')).toThrow('expected an IPv4 or IPv6 address, got "localhost"');
  });

  it('rejects a bracketed IPv6 address', () => {
    expect(() => classifyAddress('[::1]')).toThrow('got "[::1]"');
  });
});

describe('AddressGuard.check', () => {
  const strict = createAddressGuard({ allow: [], allowPrivate: false });

  it('allows public addresses', () => {
    expect(strict.check(PUBLIC_V4)).toEqual({ ok: true });
    expect(strict.check(PUBLIC_V6)).toEqual({ ok: true });
  });

  it('rejects loopback with a fix', () => {
    const verdict = strict.check('127.0.0.1');
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? '' : verdict.reason).toBe(
      '127.0.0.1 is a loopback address; add a CIDR that contains it to WEBHOOK_ALLOWED_NETWORKS, or set WEBHOOK_ALLOW_PRIVATE=true',
    );
  });

  it('rejects metadata, multicast and reserved', () => {
    expect(strict.check('169.254.169.254').ok).toBe(false);
    expect(strict.check('fd00:ec2::254').ok).toBe(false);
    expect(strict.check('224.0.0.1').ok).toBe(false);
    expect(strict.check('240.0.0.1').ok).toBe(false);
  });

  it('rejects a value that is no IP', () => {
    const verdict = strict.check('example.test');
    expect(verdict.ok ? '' : verdict.reason).toBe('"example.test" is not an IP address');
  });

  it('allowPrivate opens private, loopback and link-local', () => {
    const guard = createAddressGuard({ allow: [], allowPrivate: true });
    expect(guard.check('10.0.0.1').ok).toBe(true);
    expect(guard.check('127.0.0.1').ok).toBe(true);
    expect(guard.check('::1').ok).toBe(true);
    expect(guard.check('169.254.1.1').ok).toBe(true);
  });

  it('allowPrivate keeps metadata and unspecified closed', () => {
    const guard = createAddressGuard({ allow: [], allowPrivate: true });
    expect(guard.check('169.254.169.254').ok).toBe(false);
    expect(guard.check('::ffff:169.254.169.254').ok).toBe(false);
    expect(guard.check('0.0.0.0').ok).toBe(false);
    expect(guard.check('ff02::1').ok).toBe(false);
  });

  it('allow-list opens exactly its CIDRs', () => {
    const guard = createAddressGuard({ allow: ['127.0.0.1/32', '10.1.0.0/16', '::1/128'], allowPrivate: false });
    expect(guard.check('127.0.0.1').ok).toBe(true);
    expect(guard.check('10.1.200.3').ok).toBe(true);
    expect(guard.check('::1').ok).toBe(true);
    expect(guard.check('::ffff:127.0.0.1').ok).toBe(true);
    expect(guard.check('127.0.0.2').ok).toBe(false);
    expect(guard.check('10.2.0.1').ok).toBe(false);
  });

  it('allow-list can open metadata explicitly', () => {
    const guard = createAddressGuard({ allow: ['169.254.169.254/32'], allowPrivate: false });
    expect(guard.check('169.254.169.254').ok).toBe(true);
  });

  for (const entry of ['10.0.0.0', '10.0.0.0/33', '::1/129', 'localhost/8', '10.0.0.0/-1', '10.0.0.0/8x', '']) {
    it(`rejects allow-list entry ${JSON.stringify(entry)}`, () => {
      expect(() => createAddressGuard({ allow: [entry], allowPrivate: false })).toThrow(
        `allow-list entry ${JSON.stringify(entry)} must be a CIDR such as "10.0.0.0/8" or "::1/128"`,
      );
    });
  }
});

describe('AddressGuard.lookup', () => {
  const resolve = fakeResolver({
    'public.test': [PUBLIC_V4, PUBLIC_V6],
    'metadata.test': ['169.254.169.254'],
    'mixed.test': [PUBLIC_V4, '10.0.0.7'],
    'v4only.test': [PUBLIC_V4],
  });
  const guard = createAddressGuard({ allow: [], allowPrivate: false, resolve });

  it('returns the first address without all', async () => {
    const outcome = await runLookup(guard, 'public.test', {});
    expect(outcome.error).toBeNull();
    expect(outcome.address).toBe(PUBLIC_V4);
    expect(outcome.family).toBe(4);
  });

  it('returns every address with all', async () => {
    const outcome = await runLookup(guard, 'public.test', { all: true });
    expect(outcome.error).toBeNull();
    expect(outcome.address).toEqual([
      { address: PUBLIC_V4, family: 4 },
      { address: PUBLIC_V6, family: 6 },
    ]);
  });

  it('filters by requested family', async () => {
    const outcome = await runLookup(guard, 'public.test', { family: 6 });
    expect(outcome.address).toBe(PUBLIC_V6);
    expect(outcome.family).toBe(6);
  });

  it('fails when the family is missing', async () => {
    const outcome = await runLookup(guard, 'v4only.test', { family: 6 });
    expect(outcome.error?.code).toBe('ENOTFOUND');
    expect(outcome.error?.message).toBe('host "v4only.test" resolved to no IPv6 address to connect to');
  });

  it('blocks a metadata resolution', async () => {
    const outcome = await runLookup(guard, 'metadata.test', { all: true });
    expect(outcome.error?.code).toBe('ERR_ADDRESS_BLOCKED');
    expect(outcome.error?.message).toContain('host "metadata.test"');
    expect(outcome.error?.message).toContain('169.254.169.254 is a metadata address');
  });

  it('blocks when any address is rejected', async () => {
    const outcome = await runLookup(guard, 'mixed.test', {});
    expect(outcome.error?.code).toBe('ERR_ADDRESS_BLOCKED');
    expect(outcome.error?.message).toContain('10.0.0.7 is a private address');
  });

  it('passes resolver errors through', async () => {
    const outcome = await runLookup(guard, 'missing.test', {});
    expect(outcome.error?.code).toBe('ENOTFOUND');
  });
});

describe('checkUrlHost', () => {
  const resolve = fakeResolver({
    'public.test': [PUBLIC_V4],
    'metadata.test': ['169.254.169.254'],
    'local.test': ['127.0.0.1'],
  });
  const guard = createAddressGuard({ allow: [], allowPrivate: false, resolve });

  it('checks bracketed IPv6 literals', async () => {
    const verdict = await checkUrlHost(new URL('http://[::1]:8080/hook'), guard);
    expect(verdict.ok ? '' : verdict.reason).toContain('::1 is a loopback address');
  });

  it('checks IPv4-mapped IPv6 literals', async () => {
    const verdict = await checkUrlHost(new URL('http://[::ffff:169.254.169.254]/'), guard);
    expect(verdict.ok ? '' : verdict.reason).toContain('is a metadata address');
  });

  it('checks IPv4 literals', async () => {
    const verdict = await checkUrlHost(new URL('https://10.0.0.1/hook'), guard);
    expect(verdict.ok ? '' : verdict.reason).toContain('10.0.0.1 is a private address');
  });

  it('normalizes numeric IPv4 hosts', async () => {
    const verdict = await checkUrlHost(new URL('http://2130706433/'), guard);
    expect(verdict.ok ? '' : verdict.reason).toContain('127.0.0.1 is a loopback address');
  });

  it('resolves host names with the guard resolver', async () => {
    expect(await checkUrlHost(new URL('https://public.test/hook'), guard)).toEqual({ ok: true });
    const verdict = await checkUrlHost(new URL('https://metadata.test/hook'), guard);
    expect(verdict.ok ? '' : verdict.reason).toBe(
      'host "metadata.test" resolved to a blocked address: 169.254.169.254 is a metadata address; ' +
        'add a CIDR that contains it to WEBHOOK_ALLOWED_NETWORKS if a receiver really runs there',
    );
  });

  it('uses an explicit resolver', async () => {
    const verdict = await checkUrlHost(new URL('https://public.test/hook'), guard, async () => ['192.168.0.5']);
    expect(verdict.ok ? '' : verdict.reason).toContain('192.168.0.5 is a private address');
  });

  it('rejects an unresolvable host', async () => {
    const verdict = await checkUrlHost(new URL('https://missing.test/hook'), guard);
    expect(verdict.ok ? '' : verdict.reason).toContain('host "missing.test" could not be resolved');
  });

  it('rejects an empty resolution', async () => {
    const verdict = await checkUrlHost(new URL('https://public.test/hook'), guard, async () => []);
    expect(verdict.ok ? '' : verdict.reason).toContain('resolved to no address');
  });
});
