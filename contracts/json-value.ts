/** The first value in a tree that is not plain JSON. */
export interface NonJsonValue {
  /** Location such as `payload.items[2].id` or `tags["weird key"]`. The empty string is the top-level value. */
  path: string;
  /** Short phrase to follow the path, such as "is a Date, not a JSON value; send an ISO 8601 string". */
  problem: string;
}

/** A value still to be checked, linked to its parent so the path is built only on failure. */
interface PendingValue {
  readonly value: unknown;
  /** Number of containers around this value, so the top-level value has depth 0. */
  readonly depth: number;
  readonly parent: PendingValue | undefined;
  readonly segment: string | number | undefined;
}

type WellFormedCheck = string & { isWellFormed(): boolean };

/** Stands in for a missing element of a sparse array. */
const HOLE: unique symbol = Symbol('hole');

/**
 * Numbers from here on are written by `JSON.stringify` in exponent form (`1e+21`), which the
 * strict text check accepts. Below it, an unsafe integer is written as a plain integer literal,
 * which the text check rejects.
 */
const EXPONENT_FORM_THRESHOLD = 1e21;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Finds the first value, in document order, that is not plain JSON, or returns undefined when
 * the whole tree is plain JSON.
 *
 * Plain JSON is null, booleans, finite numbers, well-formed strings (no lone surrogates, as
 * I-JSON RFC 7493 requires), arrays without holes and plain objects whose prototype is
 * `Object.prototype` or null. An integer whose magnitude lies above 2^53 − 1 but below 1e21 is
 * rejected, because `JSON.stringify` writes it as an integer literal that the strict text parser
 * rejects. Anything superjson or a caller may deliver, such as undefined, BigInt, Date, Map, Set,
 * RegExp or a class instance, is reported with a fix. Containers nested deeper than `maxDepth`
 * (a top-level object has depth 1) are reported too, which also stops circular references.
 *
 * The walk uses an explicit stack, so deep nesting cannot overflow the call stack.
 *
 * @throws RangeError when `maxDepth` is not a positive integer.
 */
export function findNonJsonValue(value: unknown, maxDepth: number): NonJsonValue | undefined {
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) {
    throw new RangeError(`maxDepth must be a positive integer, got ${String(maxDepth)}`);
  }

  const stack: PendingValue[] = [{ value, depth: 0, parent: undefined, segment: undefined }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const problem = describeNonJsonValue(item.value);
    if (problem !== undefined) {
      return { path: pathOf(item), problem };
    }
    if (typeof item.value !== 'object' || item.value === null) {
      continue;
    }
    if (item.depth >= maxDepth) {
      return { path: pathOf(item), problem: `is nested deeper than ${maxDepth} levels; flatten the document` };
    }
    pushMembers(item, stack);
  }
  return undefined;
}

/** Pushes the members of a container in reverse, so they are popped in document order. */
function pushMembers(item: PendingValue, stack: PendingValue[]): void {
  const depth = item.depth + 1;
  if (Array.isArray(item.value)) {
    const array: unknown[] = item.value;
    for (let index = array.length - 1; index >= 0; index -= 1) {
      const element = Object.hasOwn(array, index) ? array[index] : HOLE;
      stack.push({ value: element, depth, parent: item, segment: index });
    }
    return;
  }

  const object = item.value as Record<string, unknown>;
  const keys = Object.keys(object);
  for (let index = keys.length - 1; index >= 0; index -= 1) {
    const key = keys[index] as string;
    stack.push({ value: object[key], depth, parent: item, segment: key });
  }
}

/** Returns the problem phrase for a value that is not plain JSON by itself, ignoring its members. */
function describeNonJsonValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'boolean':
      return undefined;
    case 'number':
      return describeNumber(value);
    case 'string':
      return (value as WellFormedCheck).isWellFormed()
        ? undefined
        : 'is a string with a lone UTF-16 surrogate; send well-formed Unicode text';
    case 'undefined':
      return 'is undefined, which JSON cannot represent; omit the property or send null';
    case 'bigint':
      return 'is a BigInt, not a JSON value; send it as a string';
    case 'symbol':
      return value === HOLE
        ? 'is a hole in a sparse array; fill it with null'
        : 'is a symbol, not a JSON value; send a string';
    case 'function':
      return 'is a function, not a JSON value; remove it';
    default:
      return value === null ? undefined : describeObject(value as object);
  }
}

function describeNumber(value: number): string | undefined {
  if (!Number.isFinite(value)) {
    return `is ${String(value)}, not a JSON number; send null or a string`;
  }
  const magnitude = Math.abs(value);
  if (magnitude > Number.MAX_SAFE_INTEGER && magnitude < EXPONENT_FORM_THRESHOLD && Number.isInteger(value)) {
    return 'is an integer beyond ±9007199254740991 (2^53 − 1), where 64-bit floats lose digits; send it as a string';
  }
  return undefined;
}

function describeObject(value: object): string | undefined {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    return prototype === Array.prototype ? undefined : `is ${describeInstance(prototype)}, not a plain array; send an array`;
  }
  if (prototype === Object.prototype || prototype === null) {
    return Object.getOwnPropertySymbols(value).length === 0
      ? undefined
      : 'has a symbol-keyed property, which JSON cannot represent; use string keys';
  }
  if (value instanceof Date) {
    return 'is a Date, not a JSON value; send an ISO 8601 string';
  }
  if (value instanceof Map) {
    return 'is a Map, not a JSON value; send a plain object or an array of [key, value] pairs';
  }
  if (value instanceof Set) {
    return 'is a Set, not a JSON value; send an array';
  }
  if (value instanceof RegExp) {
    return 'is a RegExp, not a JSON value; send its source as a string';
  }
  return `is ${describeInstance(prototype)}, not a plain object; send a plain object`;
}

function describeInstance(prototype: unknown): string {
  if (prototype === null) {
    return 'an object without a prototype';
  }
  const constructor: unknown = (prototype as { constructor?: unknown }).constructor;
  if (typeof constructor === 'function' && constructor.name !== '') {
    return `an instance of ${constructor.name}`;
  }
  return 'an object with a custom prototype';
}

/** Builds the path of a pending value by walking up its parents. */
function pathOf(item: PendingValue): string {
  const segments: Array<string | number> = [];
  for (let current: PendingValue | undefined = item; current !== undefined; current = current.parent) {
    if (current.segment !== undefined) {
      segments.push(current.segment);
    }
  }

  let path = '';
  for (let index = segments.length - 1; index >= 0; index -= 1) {
    const segment = segments[index] as string | number;
    if (typeof segment === 'number') {
      path += `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      path += path === '' ? segment : `.${segment}`;
    } else {
      path += `[${JSON.stringify(segment)}]`;
    }
  }
  return path;
}
