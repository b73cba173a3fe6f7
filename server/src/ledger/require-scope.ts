import { ApiError } from '../../../contracts';
import type { ApiScope, Caller } from './caller';

/**
 * Throws FORBIDDEN unless the caller's API key carries `scope`. A caller without `scopes`
 * (authentication off) may do everything.
 */
export function requireScope(caller: Caller, scope: ApiScope): void {
  if (caller.scopes === undefined || caller.scopes.includes(scope)) return;
  const granted = caller.scopes.length === 0 ? 'no scopes' : `the scopes ${caller.scopes.join(', ')}`;
  throw new ApiError(
    'FORBIDDEN',
    `this API key has ${granted} but the request needs ${scope}; create a key with --scopes ${scope} for this request`,
  );
}
