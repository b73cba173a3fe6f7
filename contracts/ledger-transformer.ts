import superjson from 'superjson';

type SuperJsonPayload = ReturnType<typeof superjson.serialize>;

/**
 * The tRPC data transformer: superjson on the wire, except that plain JSON values pass through
 * untouched. superjson 2 rejects or silently drops object keys named `__proto__`, `constructor`
 * and `prototype`, which are ordinary data in event payloads. So it only gets values that need
 * its encoding (Date, Map, BigInt and the like). A payload without `meta` is plain JSON and is
 * used as parsed, which also keeps such keys as own data properties.
 */
export const ledgerTransformer = {
  serialize(value: unknown): SuperJsonPayload {
    return isPlainJson(value) ? { json: value as SuperJsonPayload['json'] } : superjson.serialize(value);
  },
  deserialize(payload: SuperJsonPayload): unknown {
    if (payload === null || typeof payload !== 'object' || payload.meta === undefined) return payload?.json;
    return superjson.deserialize(payload);
  },
};

/** True when the value holds only null, booleans, finite numbers, strings, arrays and plain objects. */
function isPlainJson(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value) || Object.is(value, -0)) return false;
      continue;
    }
    if (typeof value !== 'object') return false;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index++) {
        if (!(index in value)) return false;
        pending.push(value[index]);
      }
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) return false;
    for (const key of Object.keys(value)) pending.push((value as Record<string, unknown>)[key]);
  }
  return true;
}
