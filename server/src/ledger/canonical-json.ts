/** A container whose members are still being written. */
interface OpenContainer {
  readonly container: object;
  /** Sorted member names for an object, or undefined for an array. */
  readonly keys: string[] | undefined;
  readonly length: number;
  /** Number of members written so far, so `index - 1` is the member being written. */
  index: number;
}

type WellFormedCheck = string & { isWellFormed(): boolean };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Serializes a plain JSON value with the JSON Canonicalization Scheme (RFC 8785), so equal
 * values always produce the same text and therefore the same hash.
 *
 * Object members are sorted by the UTF-16 code units of their names. Numbers use the
 * ECMAScript shortest round-trip form that `JSON.stringify` produces, so `-0` becomes `0` and
 * `1e21` becomes `1e+21`. Strings are escaped as `JSON.stringify` escapes them. Members are read
 * with `Object.keys`, so `__proto__` and `constructor` are ordinary data.
 *
 * The walk uses an explicit stack, so deep nesting cannot overflow the call stack.
 *
 * @throws TypeError naming the path of the first value that is not plain JSON. That is
 *   undefined, a function, bigint, symbol, NaN or Infinity, or a hole in a sparse array. It is
 *   also a string with a lone surrogate, because RFC 8785 requires valid Unicode. Objects whose
 *   prototype is neither `Object.prototype` nor null, and circular references, are rejected too.
 */
export function canonicalize(value: unknown): string {
  const stack: OpenContainer[] = [];
  const onStack = new Set<object>();
  let output = '';
  let next: unknown = value;

  for (;;) {
    output += openValue(next, stack, onStack);

    const member = advance(stack, onStack);
    output += member.text;
    if (member.done) {
      return output;
    }
    next = member.value;
  }
}

/**
 * Returns the text of a scalar, or the opening bracket of a container after pushing it.
 */
function openValue(value: unknown, stack: OpenContainer[], onStack: Set<object>): string {
  if (typeof value !== 'object' || value === null) {
    return serializeScalar(value, stack);
  }
  if (onStack.has(value)) {
    throw nonJsonError(stack, 'contains a circular reference');
  }

  if (Array.isArray(value)) {
    onStack.add(value);
    stack.push({ container: value, keys: undefined, length: value.length, index: 0 });
    return '[';
  }

  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw nonJsonError(stack, `is ${describeInstance(prototype)}, not a plain object`);
  }
  const keys = Object.keys(value).sort();
  onStack.add(value);
  stack.push({ container: value, keys, length: keys.length, index: 0 });
  return '{';
}

/**
 * Closes finished containers and moves to the next member. Returns the text written on the way
 * (closing brackets, a comma, a member name) and the member value, or `done` at the end.
 */
function advance(
  stack: OpenContainer[],
  onStack: Set<object>,
): { text: string; done: boolean; value: unknown } {
  let text = '';
  for (;;) {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      return { text, done: true, value: undefined };
    }
    if (top.index === top.length) {
      text += top.keys === undefined ? ']' : '}';
      stack.pop();
      onStack.delete(top.container);
      continue;
    }

    if (top.index > 0) {
      text += ',';
    }
    const index = top.index;
    top.index += 1;

    if (top.keys === undefined) {
      return { text, done: false, value: readElement(top.container as unknown[], index, stack) };
    }
    const key = top.keys[index] as string;
    text += `${serializeString(key, stack, 'has a name')}:`;
    return { text, done: false, value: (top.container as Record<string, unknown>)[key] };
  }
}

function readElement(array: unknown[], index: number, stack: OpenContainer[]): unknown {
  if (!Object.hasOwn(array, index)) {
    throw nonJsonError(stack, 'is a hole in a sparse array; fill it with null');
  }
  return array[index];
}

function serializeScalar(value: unknown, stack: OpenContainer[]): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, stack, 'is a string');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) {
        throw nonJsonError(stack, `is ${String(value)}, which JSON cannot represent`);
      }
      // JSON.stringify writes the ECMAScript shortest form that RFC 8785 section 3.2.2.3 requires.
      return JSON.stringify(value);
    case 'object':
      return 'null';
    case 'undefined':
      throw nonJsonError(stack, 'is undefined, which JSON cannot represent; omit the member or use null');
    case 'bigint':
      throw nonJsonError(stack, 'is a bigint, which JSON cannot represent; convert it to a string');
    default:
      throw nonJsonError(stack, `is a ${typeof value}, which JSON cannot represent`);
  }
}

function serializeString(text: string, stack: OpenContainer[], subject: string): string {
  if (!(text as WellFormedCheck).isWellFormed()) {
    throw nonJsonError(stack, `${subject} with a lone UTF-16 surrogate; RFC 8785 requires well-formed Unicode`);
  }
  return JSON.stringify(text);
}

function describeInstance(prototype: unknown): string {
  const constructor: unknown = (prototype as { constructor?: unknown }).constructor;
  if (typeof constructor === 'function' && constructor.name !== '') {
    return `an instance of ${constructor.name}`;
  }
  return 'an object with a custom prototype';
}

function nonJsonError(stack: readonly OpenContainer[], problem: string): TypeError {
  const path = pathOf(stack);
  const subject = path === '' ? 'top-level value' : `value at ${path}`;
  return new TypeError(`cannot canonicalize: ${subject} ${problem}`);
}

/** Builds the path of the member being written, such as `payload.items[2]["weird key"]`. */
function pathOf(stack: readonly OpenContainer[]): string {
  let path = '';
  for (const frame of stack) {
    const index = frame.index - 1;
    if (frame.keys === undefined) {
      path += `[${index}]`;
      continue;
    }
    const key = frame.keys[index] as string;
    path += IDENTIFIER.test(key) ? `${path === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
  }
  return path;
}
