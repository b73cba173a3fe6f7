import { isIP } from 'node:net';

/** Whether requests need an API key. */
export type AuthMode = 'required' | 'off';

/**
 * Tells whether `host` names only this machine: `localhost` (which RFC 6761 reserves for
 * loopback), an address in 127.0.0.0/8, or `::1`. An empty or wildcard host such as 0.0.0.0
 * listens on every interface and is not loopback.
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const name = bare.toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1' || name.startsWith('::ffff:127.');
  return false;
}

/**
 * Resolves the `AUTH` setting against the listening host. Unset, it is `off` on a loopback host
 * and `required` everywhere else. `off` on any other host is a problem, because anyone on the
 * network could then read and write every organisation's events.
 */
export function resolveAuthMode(host: string, requested: AuthMode | undefined): { ok: true; mode: AuthMode } | { ok: false; problem: string } {
  const loopback = isLoopbackHost(host);
  if (requested === undefined) return { ok: true, mode: loopback ? 'off' : 'required' };
  if (requested === 'off' && !loopback) {
    return {
      ok: false,
      problem:
        `AUTH=off is only allowed when HOST is a loopback address such as 127.0.0.1, ::1 or localhost, got HOST=${JSON.stringify(host)}. ` +
        'Enable authentication: unset AUTH or set AUTH=required, create a key with "npm run keys -- create --org <orgId>" and send it as "Authorization: Bearer <key>"',
    };
  }
  return { ok: true, mode: requested };
}
