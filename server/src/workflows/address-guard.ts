import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'metadata'
  | 'unspecified'
  | 'multicast'
  | 'reserved';

export type AddressCheck = { ok: true } | { ok: false; reason: string };

/** Resolves a host name to its IP addresses, in the order they should be tried. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** Server-side request forgery guard for outgoing webhook deliveries. */
export type AddressGuard = {
  /** Decides whether a connection to one IP address is allowed. */
  check(ip: string): AddressCheck;
  /**
   * Drop-in for node:dns `lookup`, for the `lookup` option of `http.request`. It fails
   * with AddressBlockedError when any resolved address is rejected, so a host name that
   * mixes public and internal records cannot be used to reach the internal one.
   */
  lookup: LookupFunction;
  /** Resolver behind `lookup`, reused by `checkUrlHost`. */
  resolve: ResolveHost;
};

export type AddressGuardOptions = {
  /** CIDRs that are always allowed, such as "10.0.0.0/8", "127.0.0.1/32" or "::1/128". */
  allow: string[];
  /** Allows private, loopback and link-local addresses, but not the other non-public classes. */
  allowPrivate: boolean;
  /** Resolver for host names. Defaults to node:dns `lookup`. Tests replace it. */
  resolve?: ResolveHost;
};

/** Error from `AddressGuard.lookup` when a host resolves to a rejected address. */
export class AddressBlockedError extends Error {
  readonly code = 'ERR_ADDRESS_BLOCKED';

  constructor(
    readonly hostname: string,
    readonly address: string,
    reason: string,
  ) {
    super(`host "${hostname}" resolved to a blocked address: ${reason}`);
    this.name = 'AddressBlockedError';
  }
}

type ClassRanges = ReadonlyArray<readonly [AddressClass, readonly string[]]>;

// Ordered so that the first matching class wins: the metadata address lies inside
// link-local (IPv4) and private (IPv6) space, and :: and ::1 lie inside ::/96.
const IPV4_RANGES: ClassRanges = [
  ['metadata', ['169.254.169.254/32']],
  ['unspecified', ['0.0.0.0/8']],
  ['loopback', ['127.0.0.0/8']],
  // 100.64.0.0/10 is carrier-grade NAT space, which is not reachable from the internet.
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']],
  ['link-local', ['169.254.0.0/16']],
  ['multicast', ['224.0.0.0/4']],
  // 240.0.0.0/4 includes the broadcast address 255.255.255.255. The last three are the
  // documentation ranges TEST-NET-1 to 3 (RFC 5737).
  ['reserved', ['240.0.0.0/4', '192.0.0.0/24', '198.18.0.0/15', '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24']],
];

const IPV6_RANGES: ClassRanges = [
  ['metadata', ['fd00:ec2::254/128']],
  ['unspecified', ['::/128']],
  ['loopback', ['::1/128']],
  // 64:ff9b:1::/48 is local-use NAT64 (RFC 8215) and fec0::/10 the deprecated site-local range.
  ['private', ['fc00::/7', '64:ff9b:1::/48', 'fec0::/10']],
  ['link-local', ['fe80::/10']],
  ['multicast', ['ff00::/8']],
  // ::/96 is the deprecated IPv4-compatible range, 100::/64 discard-only, 2001:db8::/32 documentation.
  ['reserved', ['::/96', '100::/64', '2001:db8::/32']],
];

const IPV4_CLASSES = buildClassLists(IPV4_RANGES);
const IPV6_CLASSES = buildClassLists(IPV6_RANGES);

// Classes that allowPrivate opens. Metadata, unspecified, multicast and reserved
// addresses need an explicit allow-list entry, because no ordinary receiver lives there.
const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(['private', 'loopback', 'link-local']);

/**
 * Classifies an IPv4 or IPv6 address for request forgery checks.
 *
 * IPv6 addresses that embed an IPv4 address take the class of that address: IPv4-mapped
 * (`::ffff:a.b.c.d` or `::ffff:7f00:1`), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
 * A zone id such as `%eth0` is ignored. Throws a TypeError when `ip` is not an IP address.
 */
export function classifyAddress(ip: string): AddressClass {
  const address = stripZone(ip);
  const family = isIP(address);
  if (family === 4) {
    return classifyIn(IPV4_CLASSES, address, 'ipv4');
  }
  if (family === 6) {
    const embedded = embeddedIpv4(ipv6Groups(address));
    return embedded === undefined ? classifyIn(IPV6_CLASSES, address, 'ipv6') : classifyAddress(embedded);
  }
  throw new TypeError(`expected an IPv4 or IPv6 address, got ${JSON.stringify(ip)}`);
}

/**
 * Creates a guard that allows public addresses, addresses inside an `allow` CIDR, and,
 * with `allowPrivate`, private, loopback and link-local addresses.
 * Throws a TypeError naming the first `allow` entry that is not a valid CIDR.
 */
export function createAddressGuard({ allow, allowPrivate, resolve = resolveWithDns }: AddressGuardOptions): AddressGuard {
  const allowList = new BlockList();
  for (const entry of allow) {
    const cidr = parseCidr(entry);
    if (cidr === undefined) {
      throw new TypeError(`allow-list entry ${JSON.stringify(entry)} must be a CIDR such as "10.0.0.0/8" or "::1/128"`);
    }
    allowList.addSubnet(cidr.network, cidr.prefix, cidr.family);
  }

  const check = (ip: string): AddressCheck => checkAddress(ip, allowList, allowPrivate);
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolveAllowed(hostname, options, resolve, check).then(
      (addresses) => {
        const [first] = addresses;
        if (options.all) {
          callback(null, addresses);
        } else if (first !== undefined) {
          callback(null, first.address, first.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
  return { check, lookup, resolve };
}

/**
 * Checks the host of a webhook URL when it is registered. IP-literal hosts, including
 * bracketed IPv6 such as `[::1]`, are checked directly, and host names are resolved
 * first, every address being checked. DNS can change later, so deliveries must still
 * go through `guard.lookup`. A host that does not resolve is rejected.
 */
export async function checkUrlHost(
  url: URL,
  guard: AddressGuard,
  resolve: ResolveHost = guard.resolve,
): Promise<AddressCheck> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') {
    return { ok: false, reason: `URL ${JSON.stringify(url.href)} has no host; use an http or https URL` };
  }
  if (isIP(host) !== 0) {
    return guard.check(host);
  }

  let addresses: string[];
  try {
    addresses = await resolve(host);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `host "${host}" could not be resolved (${detail}); check the URL's host name` };
  }
  if (addresses.length === 0) {
    return { ok: false, reason: `host "${host}" resolved to no address; check the URL's host name` };
  }
  for (const address of addresses) {
    const verdict = guard.check(address);
    if (!verdict.ok) {
      return { ok: false, reason: `host "${host}" resolved to a blocked address: ${verdict.reason}` };
    }
  }
  return { ok: true };
}

function checkAddress(ip: string, allowList: BlockList, allowPrivate: boolean): AddressCheck {
  const address = stripZone(ip);
  const family = isIP(address);
  if (family === 0) {
    return { ok: false, reason: `${JSON.stringify(ip)} is not an IP address` };
  }
  if (allowList.check(address, family === 4 ? 'ipv4' : 'ipv6')) {
    return { ok: true };
  }

  const addressClass = classifyAddress(address);
  if (addressClass === 'public' || (allowPrivate && PRIVATE_CLASSES.has(addressClass))) {
    return { ok: true };
  }
  const article = addressClass === 'unspecified' ? 'an' : 'a';
  const fix = PRIVATE_CLASSES.has(addressClass)
    ? 'add a CIDR that contains it to WEBHOOK_ALLOWED_NETWORKS, or set WEBHOOK_ALLOW_PRIVATE=true'
    : 'add a CIDR that contains it to WEBHOOK_ALLOWED_NETWORKS if a receiver really runs there';
  return { ok: false, reason: `${ip} is ${article} ${addressClass} address; ${fix}` };
}

async function resolveAllowed(
  hostname: string,
  options: LookupOptions,
  resolve: ResolveHost,
  check: (ip: string) => AddressCheck,
): Promise<LookupAddress[]> {
  const addresses = await resolve(hostname);
  for (const address of addresses) {
    const verdict = check(address);
    if (!verdict.ok) {
      throw new AddressBlockedError(hostname, address, verdict.reason);
    }
  }

  const family = requestedFamily(options.family);
  const usable = addresses
    .map((address) => ({ address, family: isIP(address) }))
    .filter((entry) => family === 0 || entry.family === family);
  if (usable.length === 0) {
    const missing = family === 0 ? 'no address' : `no IPv${family} address`;
    throw Object.assign(new Error(`host "${hostname}" resolved to ${missing} to connect to`), {
      code: 'ENOTFOUND',
      hostname,
    });
  }
  return usable;
}

function requestedFamily(family: LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') {
    return 4;
  }
  if (family === 6 || family === 'IPv6') {
    return 6;
  }
  return 0;
}

async function resolveWithDns(hostname: string): Promise<string[]> {
  const entries = await dnsLookup(hostname, { all: true });
  return entries.map((entry) => entry.address);
}

function buildClassLists(ranges: ClassRanges): Array<readonly [AddressClass, BlockList]> {
  return ranges.map(([addressClass, cidrs]) => {
    const list = new BlockList();
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (cidr === undefined) {
        throw new TypeError(`built-in range ${text} is not a valid CIDR`);
      }
      list.addSubnet(cidr.network, cidr.prefix, cidr.family);
    }
    return [addressClass, list] as const;
  });
}

function classifyIn(classes: ReturnType<typeof buildClassLists>, address: string, family: 'ipv4' | 'ipv6'): AddressClass {
  for (const [addressClass, list] of classes) {
    if (list.check(address, family)) {
      return addressClass;
    }
  }
  return 'public';
}

function parseCidr(text: string): { network: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const slash = text.indexOf('/');
  const network = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const family = isIP(network);
  if (slash === -1 || family === 0 || !/^\d{1,3}$/.test(prefixText)) {
    return undefined;
  }
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) {
    return undefined;
  }
  return { network, prefix, family: family === 4 ? 'ipv4' : 'ipv6' };
}

function stripZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent === -1 ? ip : ip.slice(0, percent);
}

/** Expands a valid IPv6 address into its eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }

  const [head = '', rest] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros: string[] = new Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  return [...headGroups, ...zeros, ...restGroups].map((group) => parseInt(group, 16));
}

/** Returns the IPv4 address that an IPv4-mapped, NAT64 or 6to4 address routes to. */
function embeddedIpv4(groups: number[]): string | undefined {
  const [g0, g1, g2, g3, g4, g5, g6 = 0, g7 = 0] = groups;
  const mapped = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff;
  const nat64 = g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0;
  if (mapped || nat64) {
    return ipv4FromGroups(g6, g7);
  }
  if (g0 === 0x2002 && g1 !== undefined && g2 !== undefined) {
    return ipv4FromGroups(g1, g2);
  }
  return undefined;
}

function ipv4FromGroups(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}
