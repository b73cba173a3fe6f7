import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../src/ledger/canonical-json';
import { sha256Hex } from '../../src/ledger/sha256-hex';

/** Reads an IEEE 754 double from its 16 hex digits, as RFC 8785 Appendix B lists them. */
function doubleFromBits(hex: string): number {
  return Buffer.from(hex, 'hex').readDoubleBE(0);
}

describe('canonicalize numbers', () => {
  // Pairs from the number serialization samples in RFC 8785 Appendix B.
  const rfcSamples: Array<[bits: string, expected: string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];

  it.each(rfcSamples)('RFC 8785 sample %s', (bits, expected) => {
    expect(canonicalize(doubleFromBits(bits))).toBe(expected);
  });

  it('writes 1e21 in exponent form', () => {
    expect(canonicalize(1e21)).toBe('1e+21');
  });

  it('writes 1e-7 in exponent form', () => {
    expect(canonicalize(1e-7)).toBe('1e-7');
  });

  it('writes 0.000001 as a plain decimal', () => {
    expect(canonicalize(0.000001)).toBe('0.000001');
  });

  it('writes negative zero as 0', () => {
    expect(canonicalize(-0)).toBe('0');
  });

  it('drops trailing zeros of 4.50', () => {
    expect(canonicalize(4.5)).toBe('4.5');
  });
});

describe('canonicalize structure', () => {
  it('matches the RFC 8785 main example', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`;
    const expected = String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`;

    expect(canonicalize(JSON.parse(input))).toBe(expected);
  });

  it('sorts keys by UTF-16 code units', () => {
    const input = JSON.parse(String.raw`{
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis"
    }`) as Record<string, string>;

    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('sorts surrogate pairs before U+FB33', () => {
    expect(canonicalize({ '\ufb33': 1, '\ud83d\ude00': 2 })).toBe('{"\ud83d\ude00":2,"\ufb33":1}');
  });

  it('sorts nested object keys', () => {
    expect(canonicalize({ b: { d: 1, c: [{ z: 1, y: 2 }] }, a: null })).toBe('{"a":null,"b":{"c":[{"y":2,"z":1}],"d":1}}');
  });

  it('keeps array order', () => {
    expect(canonicalize([3, 1, 2])).toBe('[3,1,2]');
  });

  it('writes empty containers', () => {
    expect(canonicalize({ a: [], b: {} })).toBe('{"a":[],"b":{}}');
  });

  it('writes top-level scalars', () => {
    expect(canonicalize(null)).toBe('null');
    expect(canonicalize(true)).toBe('true');
    expect(canonicalize(false)).toBe('false');
    expect(canonicalize('x')).toBe('"x"');
  });

  it('escapes strings like JSON.stringify', () => {
    const text = 'quote " backslash \\ slash / tab \t nul \u0000 unit separator \u001f del \u007f line \u2028';

    expect(canonicalize(text)).toBe(JSON.stringify(text));
  });

  it('writes control characters in lowercase hex', () => {
    expect(canonicalize('\u000f')).toBe('"\\u000f"');
  });

  it('treats __proto__ key as data', () => {
    const input = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as object;

    expect(canonicalize(input)).toBe('{"__proto__":{"polluted":true},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('treats constructor key as data', () => {
    const input = JSON.parse('{"constructor":{"prototype":{"x":1}}}') as object;

    expect(canonicalize(input)).toBe('{"constructor":{"prototype":{"x":1}}}');
  });

  it('accepts null-prototype objects', () => {
    const input = Object.create(null) as Record<string, unknown>;
    input.b = 2;
    input.a = 1;

    expect(canonicalize(input)).toBe('{"a":1,"b":2}');
  });

  it('accepts a shared non-circular reference', () => {
    const shared = { x: 1 };

    expect(canonicalize({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  it('handles 20,000 levels of nesting', () => {
    let value: unknown = 0;
    for (let level = 0; level < 20_000; level += 1) {
      value = level % 2 === 0 ? [value] : { k: value };
    }

    const text = canonicalize(value);

    expect(text.length).toBe(10_000 * '[]'.length + 10_000 * '{"k":}'.length + '0'.length);
    expect(text.startsWith('{"k":[{"k":[')).toBe(true);
  });

  it('round-trips through JSON.parse', () => {
    const value = { z: [1, 2.5, 'é', { y: false }], a: { n: null, s: '😀' } };

    expect(JSON.parse(canonicalize(value))).toEqual(value);
  });
});

describe('canonicalize rejects non-JSON values', () => {
  const rejected: Array<[label: string, value: unknown, message: RegExp]> = [
    ['undefined member', { a: { b: undefined } }, /value at a\.b is undefined/],
    ['undefined element', { list: [1, undefined] }, /value at list\[1\] is undefined/],
    ['top-level undefined', undefined, /top-level value is undefined/],
    ['function', { f: () => 1 }, /value at f is a function/],
    ['bigint', { n: 10n }, /value at n is a bigint/],
    ['symbol', [Symbol('s')], /value at \[0\] is a symbol/],
    ['NaN', { x: Number.NaN }, /value at x is NaN/],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, /value at x is Infinity/],
    ['Date', { when: new Date(0) }, /value at when is an instance of Date, not a plain object/],
    ['Map', { m: new Map() }, /value at m is an instance of Map/],
    ['class instance', { c: new (class Point {})() }, /value at c is an instance of Point/],
    ['sparse hole', { list: [1, , 3] }, /value at list\[1\] is a hole in a sparse array/],
    ['lone surrogate string', { s: 'a\ud800' }, /value at s is a string with a lone UTF-16 surrogate/],
    ['lone surrogate key', { '\udc00': 1 }, /has a name with a lone UTF-16 surrogate/],
    ['non-identifier path', { 'weird key': [undefined] }, /value at \["weird key"\]\[0\] is undefined/],
  ];

  it.each(rejected)('%s', (_label, value, message) => {
    expect(() => canonicalize(value)).toThrow(TypeError);
    expect(() => canonicalize(value)).toThrow(message);
  });

  it('rejects circular references', () => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = { back: value };

    expect(() => canonicalize(value)).toThrow(TypeError);
    expect(() => canonicalize(value)).toThrow(/value at self\.back contains a circular reference/);
  });
});

describe('sha256Hex', () => {
  it('hashes the empty string', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes abc', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('encodes text as UTF-8', () => {
    const utf8Bytes = Buffer.from([0xe2, 0x82, 0xac]);

    expect(sha256Hex('€')).toBe(createHash('sha256').update(utf8Bytes).digest('hex'));
  });

  it('returns 64 lowercase hex digits', () => {
    expect(sha256Hex('{"a":1}')).toMatch(/^[0-9a-f]{64}$/);
  });
});
