/** Who is calling: with authentication on, the organisation and scopes of the API key. */
export interface Caller {
  /** Set when an API key authenticated the request: the caller acts for this organisation only. */
  orgId?: string;
}

/** A caller for servers running with authentication off: every organisation is reachable. */
export const unauthenticatedCaller: Caller = {};
