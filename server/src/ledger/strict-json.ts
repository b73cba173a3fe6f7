/** Reason code of a text that `parseStrictJson` rejected. */
export type StrictJsonReason =
  | 'syntax'
  | 'depth'
  | 'duplicate_key'
  | 'lone_surrogate'
  | 'number_range'
  | 'number_precision';

/**
 * Outcome of `parseStrictJson`. On failure, `path` locates the offending value, for example
 * `payload.items[2].id` or `tags["weird key"]`, and the empty string is the top-level value.
 * Syntax failures carry the character position in `message` and no `path`.
 */
export type StrictJsonResult =
  | { ok: true; value: unknown }
  | { ok: false; reason: StrictJsonReason; message: string; path?: string };

export interface StrictJsonOptions {
  /** Maximum nesting of objects and arrays, where `{}` has depth 1. Defaults to 64. */
  maxDepth?: number;
}

type StrictJsonFailure = Extract<StrictJsonResult, { ok: false }>;

const DEFAULT_MAX_DEPTH = 64;

/** Objects with more keys than this track them in a Set instead of a list. */
const MAX_LINEAR_KEY_SEARCH = 16;

/**
 * Maximum digits of a literal that needs no exact comparison. A literal without exponent and
 * with at most 15 digits lies in the normal range of a 64-bit float. There, any decimal of up to
 * 15 significant digits survives the round trip, because DBL_DIG is 15 for IEEE 754 binary64.
 */
const MAX_EXACT_DIGITS = 15;

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const DIGIT_ZERO = 0x30;
const DIGIT_ONE = 0x31;
const DIGIT_NINE = 0x39;
const COLON = 0x3a;
const UPPER_A = 0x41;
const UPPER_E = 0x45;
const UPPER_F = 0x46;
const LEFT_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const RIGHT_BRACKET = 0x5d;
const LOWER_A = 0x61;
const LOWER_B = 0x62;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_R = 0x72;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const LEFT_BRACE = 0x7b;
const RIGHT_BRACE = 0x7d;
const HIGH_SURROGATE_MIN = 0xd800;
const LOW_SURROGATE_MIN = 0xdc00;
const LOW_SURROGATE_MAX = 0xdfff;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON text as I-JSON (RFC 7493), so that every accepted text has exactly one meaning
 * and survives a round trip through `canonicalize` unchanged.
 *
 * One linear scan with an explicit stack checks the text before `JSON.parse` builds the value,
 * so a million levels of nesting cannot overflow the call stack. The scan reports the first
 * problem in text order. It rejects nesting deeper than `maxDepth` and duplicate keys in one
 * object, compared after decoding escapes. It rejects escaped or raw lone surrogates. It rejects
 * numbers outside the 64-bit float range, integer literals beyond ±(2^53 − 1), and numbers whose
 * decimal value a 64-bit float cannot store exactly.
 * `1.0`, `1e2` and `-0` are accepted, and `JSON.parse` returns them as `1`, `100` and `-0`.
 * A leading byte order mark is a syntax error here, because `decodeUtf8Strict` strips it from bytes.
 *
 * @throws RangeError when `options.maxDepth` is not a positive integer.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): StrictJsonResult {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) {
    throw new RangeError(`maxDepth must be a positive integer, got ${String(maxDepth)}`);
  }

  try {
    new StrictJsonScanner(text, maxDepth).scan();
  } catch (error) {
    if (error instanceof ScanFailure) {
      return error.result;
    }
    throw error;
  }

  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    // Unreachable while the scanner accepts only valid JSON. It stays so a scanner bug cannot throw.
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: 'syntax', message: `invalid JSON: ${detail}` };
  }
}

/**
 * Decodes UTF-8 bytes and strips one leading byte order mark. Returns undefined when the bytes
 * are not valid UTF-8, which includes overlong forms and encoded surrogates (CESU-8).
 */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch (error) {
    if (error instanceof TypeError) {
      return undefined;
    }
    throw error;
  }
}

/** Rejection thrown inside the scanner and caught by `parseStrictJson`. */
class ScanFailure {
  constructor(readonly result: StrictJsonFailure) {}
}

/** An open object or array. Frames are reused across siblings to avoid allocation. */
class Frame {
  isObject = false;
  /** Index of the current array element. */
  index = 0;
  /** Decoded name of the current object member, or undefined while the name is being read. */
  key: string | undefined = undefined;
  /** Keys seen so far in a small object, searched linearly because that beats hashing for a few keys. */
  private readonly keyList: string[] = [];
  private keyCount = 0;
  /** Keys seen so far once the object outgrows `keyList`. */
  private keySet: Set<string> | undefined = undefined;

  resetKeys(): void {
    this.keyCount = 0;
    if (this.keySet !== undefined && this.keySet.size > 0) {
      this.keySet.clear();
    }
  }

  /** Records a key of the current object and returns false when the object already has it. */
  addKey(name: string): boolean {
    const keySet = this.keySet;
    if (keySet !== undefined && keySet.size > 0) {
      if (keySet.has(name)) {
        return false;
      }
      keySet.add(name);
      return true;
    }

    for (let index = 0; index < this.keyCount; index += 1) {
      if (this.keyList[index] === name) {
        return false;
      }
    }
    if (this.keyCount < MAX_LINEAR_KEY_SEARCH) {
      this.keyList[this.keyCount] = name;
      this.keyCount += 1;
      return true;
    }

    this.keySet = keySet ?? new Set<string>();
    for (let index = 0; index < this.keyCount; index += 1) {
      this.keySet.add(this.keyList[index] as string);
    }
    this.keySet.add(name);
    return true;
  }
}

class StrictJsonScanner {
  private pos = 0;
  private depth = 0;
  private readonly frames: Frame[] = [];
  /** Index of the closing quote found by the last `scanString`. */
  private stringEnd = 0;
  private stringHasEscape = false;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  /** Scans the whole text and throws ScanFailure at the first problem. */
  scan(): void {
    this.skipWhitespace();
    if (this.pos === this.text.length) {
      throw new ScanFailure({ ok: false, reason: 'syntax', message: 'JSON text is empty; send a JSON value such as {}' });
    }
    for (;;) {
      if (this.scanValue()) {
        continue;
      }
      if (this.scanAfterValue()) {
        return;
      }
    }
  }

  /**
   * Scans the value at `pos`. Returns true when it opened a non-empty container, leaving `pos`
   * at the first member value, and false when it consumed a whole value.
   */
  private scanValue(): boolean {
    const code = this.text.charCodeAt(this.pos);
    switch (code) {
      case LEFT_BRACE:
        return this.openContainer(true, RIGHT_BRACE);
      case LEFT_BRACKET:
        return this.openContainer(false, RIGHT_BRACKET);
      case QUOTE:
        this.scanString(false);
        this.pos = this.stringEnd + 1;
        return false;
      case LOWER_T:
        this.expectLiteral('true');
        return false;
      case LOWER_F:
        this.expectLiteral('false');
        return false;
      case LOWER_N:
        this.expectLiteral('null');
        return false;
      default:
        if (code === MINUS || isDigit(code)) {
          this.scanNumber();
          return false;
        }
        return this.failSyntax(this.pos, 'expected a value (object, array, string, number, true, false or null)');
    }
  }

  private openContainer(isObject: boolean, close: number): boolean {
    if (this.depth === this.maxDepth) {
      this.fail('depth', `JSON nesting is deeper than ${this.maxDepth} levels; flatten the document`);
    }
    const frame = this.frames[this.depth] ?? new Frame();
    this.frames[this.depth] = frame;
    frame.isObject = isObject;
    frame.index = 0;
    frame.key = undefined;
    frame.resetKeys();

    this.depth += 1;
    this.pos += 1;
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) === close) {
      this.pos += 1;
      this.depth -= 1;
      return false;
    }
    if (isObject) {
      this.scanMemberName(frame);
    }
    return true;
  }

  /**
   * Consumes closing brackets and at most one comma after a value. Returns true at the end of
   * the text, and false when `pos` is at the next member value.
   */
  private scanAfterValue(): boolean {
    for (;;) {
      this.skipWhitespace();
      if (this.depth === 0) {
        if (this.pos === this.text.length) {
          return true;
        }
        return this.failSyntax(this.pos, 'unexpected text after the JSON value; send exactly one value');
      }

      const frame = this.frames[this.depth - 1] as Frame;
      const code = this.text.charCodeAt(this.pos);
      if (code === COMMA) {
        this.pos += 1;
        this.skipWhitespace();
        frame.index += 1;
        if (frame.isObject) {
          this.scanMemberName(frame);
        }
        return false;
      }
      if (code !== (frame.isObject ? RIGHT_BRACE : RIGHT_BRACKET)) {
        const expected = frame.isObject ? "',' or '}' after an object member" : "',' or ']' after an array element";
        return this.failSyntax(this.pos, `expected ${expected}`);
      }
      this.pos += 1;
      this.depth -= 1;
    }
  }

  /** Reads `"name":` and leaves `pos` at the member value. */
  private scanMemberName(frame: Frame): void {
    if (this.text.charCodeAt(this.pos) !== QUOTE) {
      this.failSyntax(this.pos, 'expected a double-quoted object key');
    }
    frame.key = undefined;
    this.scanString(true);

    // Only names with a backslash need decoding, and JSON.parse decodes the validated literal.
    const name = this.stringHasEscape
      ? (JSON.parse(this.text.slice(this.pos, this.stringEnd + 1)) as string)
      : this.text.slice(this.pos + 1, this.stringEnd);
    this.pos = this.stringEnd + 1;
    frame.key = name;
    if (!frame.addKey(name)) {
      this.fail(
        'duplicate_key',
        `duplicate key ${JSON.stringify(shorten(name))}: duplicate keys are not allowed (RFC 8259, I-JSON RFC 7493); send each key once`,
      );
    }

    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== COLON) {
      this.failSyntax(this.pos, "expected ':' after an object key");
    }
    this.pos += 1;
    this.skipWhitespace();
  }

  /**
   * Finds the end of the string literal at `pos` and checks escapes, control characters and
   * surrogate pairing on the decoded UTF-16 code units. Sets `stringEnd` and `stringHasEscape`.
   */
  private scanString(isKey: boolean): void {
    const text = this.text;
    const length = text.length;
    let pos = this.pos + 1;
    let hasEscape = false;
    /** Position of a high surrogate still waiting for its low surrogate, or -1. */
    let pendingHigh = -1;

    for (;;) {
      if (pos >= length) {
        this.failSyntax(this.pos, 'unterminated string; add the closing double quote');
      }
      const unitStart = pos;
      let unit = text.charCodeAt(pos);
      if (unit === QUOTE) {
        break;
      }
      if (unit === BACKSLASH) {
        hasEscape = true;
        unit = this.readEscape(pos);
        pos += text.charCodeAt(pos + 1) === LOWER_U ? 6 : 2;
      } else if (unit < SPACE) {
        this.failSyntax(pos, 'control characters in strings must be escaped, for example as \\n or \\u0001');
      } else {
        pos += 1;
      }

      if (pendingHigh >= 0) {
        if (unit >= LOW_SURROGATE_MIN && unit <= LOW_SURROGATE_MAX) {
          pendingHigh = -1;
          continue;
        }
        this.failLoneSurrogate(pendingHigh, isKey);
      }
      if (unit >= HIGH_SURROGATE_MIN && unit <= LOW_SURROGATE_MAX) {
        if (unit >= LOW_SURROGATE_MIN) {
          this.failLoneSurrogate(unitStart, isKey);
        }
        pendingHigh = unitStart;
      }
    }

    if (pendingHigh >= 0) {
      this.failLoneSurrogate(pendingHigh, isKey);
    }
    this.stringEnd = pos;
    this.stringHasEscape = hasEscape;
  }

  /** Returns the UTF-16 code unit of the escape sequence whose backslash is at `pos`. */
  private readEscape(pos: number): number {
    const code = this.text.charCodeAt(pos + 1);
    if (code === LOWER_U) {
      return this.readHex4(pos + 2);
    }
    const isSimpleEscape =
      code === QUOTE ||
      code === BACKSLASH ||
      code === SLASH ||
      code === LOWER_B ||
      code === LOWER_F ||
      code === LOWER_N ||
      code === LOWER_R ||
      code === LOWER_T;
    if (!isSimpleEscape) {
      this.failSyntax(pos, 'invalid escape; use one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
    }
    // The exact unit of a simple escape does not matter to the caller, only that it is no surrogate.
    return code;
  }

  private readHex4(pos: number): number {
    let unit = 0;
    for (let i = pos; i < pos + 4; i += 1) {
      const digit = hexDigitValue(this.text.charCodeAt(i));
      if (digit < 0) {
        this.failSyntax(pos - 2, 'invalid \\u escape; write exactly four hex digits, as in \\u00e9');
      }
      unit = unit * 16 + digit;
    }
    return unit;
  }

  private scanNumber(): void {
    const text = this.text;
    const start = this.pos;
    let pos = text.charCodeAt(start) === MINUS ? start + 1 : start;

    const integerStart = pos;
    const first = text.charCodeAt(pos);
    if (first === DIGIT_ZERO) {
      pos += 1;
    } else if (first >= DIGIT_ONE && first <= DIGIT_NINE) {
      pos = this.skipDigits(pos, '');
    } else {
      this.failSyntax(pos, "expected a digit after '-'");
    }
    let digitCount = pos - integerStart;

    let hasFraction = false;
    if (text.charCodeAt(pos) === DOT) {
      const fractionStart = pos + 1;
      pos = this.skipDigits(fractionStart, 'expected a digit after the decimal point');
      digitCount += pos - fractionStart;
      hasFraction = true;
    }
    let hasExponent = false;
    const exponentMark = text.charCodeAt(pos);
    if (exponentMark === LOWER_E || exponentMark === UPPER_E) {
      const sign = text.charCodeAt(pos + 1);
      pos = this.skipDigits(sign === PLUS || sign === MINUS ? pos + 2 : pos + 1, 'expected a digit in the exponent');
      hasExponent = true;
    }

    this.pos = pos;
    if (hasExponent || digitCount > MAX_EXACT_DIGITS) {
      this.checkNumber(text.slice(start, pos), !hasFraction && !hasExponent);
    }
  }

  /** Returns the position after a run of at least one digit starting at `pos`. */
  private skipDigits(pos: number, message: string): number {
    if (!isDigit(this.text.charCodeAt(pos))) {
      this.failSyntax(pos, message);
    }
    let end = pos + 1;
    while (isDigit(this.text.charCodeAt(end))) {
      end += 1;
    }
    return end;
  }

  private checkNumber(literal: string, isInteger: boolean): void {
    const value = Number(literal);
    if (!Number.isFinite(value)) {
      this.fail(
        'number_range',
        `number ${shorten(literal)} is outside the range of a 64-bit float (about ±1.8e308); send it as a string`,
      );
    }
    if (isInteger) {
      if (Math.abs(value) > Number.MAX_SAFE_INTEGER) {
        this.fail(
          'number_range',
          `integer ${shorten(literal)} is outside the safe range ±9007199254740991 (2^53 − 1) ` +
            'where 64-bit floats are exact; send large integers as strings',
        );
      }
      return;
    }

    const shortest = String(value);
    if (normalizeDecimal(literal) !== normalizeDecimal(shortest)) {
      this.fail(
        'number_precision',
        `number ${shorten(literal)} cannot be stored exactly as a 64-bit float and would become ${shortest}; ` +
          'send fewer significant digits, or a string',
      );
    }
  }

  private expectLiteral(word: string): void {
    if (!this.text.startsWith(word, this.pos)) {
      this.failSyntax(this.pos, 'expected a value (object, array, string, number, true, false or null)');
    }
    this.pos += word.length;
  }

  private skipWhitespace(): void {
    const text = this.text;
    let pos = this.pos;
    for (;;) {
      const code = text.charCodeAt(pos);
      if (code !== SPACE && code !== LINE_FEED && code !== CARRIAGE_RETURN && code !== TAB) {
        break;
      }
      pos += 1;
    }
    this.pos = pos;
  }

  private failLoneSurrogate(pos: number, isKey: boolean): never {
    const subject = isKey ? 'object key' : 'string';
    return this.fail(
      'lone_surrogate',
      `${subject} contains a lone UTF-16 surrogate at position ${pos}; ` +
        'send well-formed Unicode, with each \\ud800-\\udbff followed by one \\udc00-\\udfff',
    );
  }

  private failSyntax(pos: number, detail: string): never {
    const where = pos >= this.text.length ? 'at the end of the text' : `at position ${pos}`;
    throw new ScanFailure({ ok: false, reason: 'syntax', message: `invalid JSON ${where}: ${detail}` });
  }

  private fail(reason: StrictJsonReason, message: string): never {
    throw new ScanFailure({ ok: false, reason, message, path: this.currentPath() });
  }

  /** Builds the path of the value at `pos` from the open frames. */
  private currentPath(): string {
    let path = '';
    for (let level = 0; level < this.depth; level += 1) {
      const frame = this.frames[level] as Frame;
      if (!frame.isObject) {
        path += `[${frame.index}]`;
      } else if (frame.key !== undefined) {
        path += IDENTIFIER.test(frame.key) ? `${path === '' ? '' : '.'}${frame.key}` : `[${JSON.stringify(frame.key)}]`;
      }
    }
    return path;
  }
}

function isDigit(code: number): boolean {
  return code >= DIGIT_ZERO && code <= DIGIT_NINE;
}

function hexDigitValue(code: number): number {
  if (code >= DIGIT_ZERO && code <= DIGIT_NINE) {
    return code - DIGIT_ZERO;
  }
  if (code >= LOWER_A && code <= LOWER_F) {
    return code - LOWER_A + 10;
  }
  if (code >= UPPER_A && code <= UPPER_F) {
    return code - UPPER_A + 10;
  }
  return -1;
}

/**
 * Rewrites a decimal number as `[-]<digits>e<exponent>`, where the digits have no leading or
 * trailing zeros and the exponent is the power of ten of the last digit. Equal decimal values
 * give equal strings, and every zero gives "0". Accepts JSON number literals and the output of
 * `String(number)`.
 */
function normalizeDecimal(literal: string): string {
  const negative = literal.charCodeAt(0) === MINUS;
  let mantissaEnd = negative ? 1 : 0;
  let dot = -1;
  for (; mantissaEnd < literal.length; mantissaEnd += 1) {
    const code = literal.charCodeAt(mantissaEnd);
    if (code === LOWER_E || code === UPPER_E) {
      break;
    }
    if (code === DOT) {
      dot = mantissaEnd;
    }
  }
  const exponent = mantissaEnd < literal.length ? Number(literal.slice(mantissaEnd + 1)) : 0;

  let first = negative ? 1 : 0;
  while (first < mantissaEnd && isZeroOrDot(literal.charCodeAt(first))) {
    first += 1;
  }
  if (first === mantissaEnd) {
    return '0';
  }
  let last = mantissaEnd - 1;
  while (isZeroOrDot(literal.charCodeAt(last))) {
    last -= 1;
  }

  const digits =
    dot > first && dot < last
      ? literal.slice(first, dot) + literal.slice(dot + 1, last + 1)
      : literal.slice(first, last + 1);
  const point = dot === -1 ? mantissaEnd : dot;
  const lastDigitPower = last < point ? point - 1 - last : point - last;
  return `${negative ? '-' : ''}${digits}e${exponent + lastDigitPower}`;
}

function isZeroOrDot(code: number): boolean {
  return code === DIGIT_ZERO || code === DOT;
}

/** Shortens input quoted in an error message, so a huge key or number cannot bloat the message. */
function shorten(text: string): string {
  const limit = 40;
  return text.length <= limit ? text : `${text.slice(0, limit)}…`;
}
