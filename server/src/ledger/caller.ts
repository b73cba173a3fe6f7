/** Permissions an API key can carry. */
export const apiScopes = ['events:read', 'events:write', 'workflows:manage'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** The identity of a request: with authentication on, the organisation and scopes of its API key. */
export interface Caller {
  /** Set when an API key authenticated the request: the caller acts for this organisation only. */
  orgId?: string;
  /** Id of the API key, for logs; never the key itself. */
  keyId?: string;
  /** Scopes of the key; undefined when authentication is off and every operation is allowed. */
  scopes?: readonly ApiScope[];
}

/** A caller for servers running with authentication off: every organisation is reachable. */
export const unauthenticatedCaller: Caller = {};
