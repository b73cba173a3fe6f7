import { describe, expect, it } from 'vitest';
import { decodeUtf8Strict, parseStrictJson, type StrictJsonResult } from '../../src/ledger/strict-json';

function expectFailure(result: StrictJsonResult): Extract<StrictJsonResult, { ok: false }> {
  if (result.ok) {
    throw new Error(`expected a failure, got value ${JSON.stringify(result.value)}`);
  }
  return result;
}

function expectValue(result: StrictJsonResult): unknown {
  if (!result.ok) {
    throw new Error(`expected a value, got ${result.reason}: ${result.message}`);
  }
  return result.value;
}

/** Exact decimal value of a number literal as mantissa × 10^exponent, independent of the parser. */
function exactDecimal(literal: string): { mantissa: bigint; exponent: number } {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (match === null) {
    throw new Error(`not a decimal literal: ${literal}`);
  }
  const [, sign = '', integer = '', fraction = '', exponent = '0'] = match;
  return { mantissa: BigInt(sign + integer + fraction), exponent: Number(exponent) - fraction.length };
}

function sameDecimalValue(leftLiteral: string, rightLiteral: string): boolean {
  const left = exactDecimal(leftLiteral);
  const right = exactDecimal(rightLiteral);
  const common = Math.min(left.exponent, right.exponent);
  const leftScaled = left.mantissa * 10n ** BigInt(left.exponent - common);
  const rightScaled = right.mantissa * 10n ** BigInt(right.exponent - common);
  return leftScaled === rightScaled;
}

/** Deterministic pseudo-random numbers in [0, 1) from a linear congruential generator, so failures reproduce. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function randomNumberLiteral(random: () => number): string {
  const digitCount = 1 + Math.floor(random() * 20);
  let digits = '';
  for (let index = 0; index < digitCount; index += 1) {
    digits += String(Math.floor(random() * 10));
  }
  const pointAt = Math.floor(random() * (digitCount + 1));
  const integer = digits.slice(0, pointAt).replace(/^0+/, '') || '0';
  const fraction = digits.slice(pointAt);
  const sign = random() < 0.3 ? '-' : '';
  const exponent = random() < 0.4 ? `e${Math.floor(random() * 660) - 330}` : '';
  return `${sign}${integer}${fraction === '' ? '' : `.${fraction}`}${exponent}`;
}

describe('parseStrictJson valid input', () => {
  it('parses a typical event body', () => {
    const text = '{"type":"order.created","payload":{"items":[{"id":"a","qty":2,"price":19.99}],"note":null,"ok":true}}';

    expect(expectValue(parseStrictJson(text))).toEqual(JSON.parse(text));
  });

  it('accepts whitespace around tokens', () => {
    const text = ' \t\r\n{ "a" : [ 1 , 2 ] , "b" : { } } \n';

    expect(expectValue(parseStrictJson(text))).toEqual({ a: [1, 2], b: {} });
  });

  it('parses top-level scalars', () => {
    expect(expectValue(parseStrictJson('null'))).toBeNull();
    expect(expectValue(parseStrictJson('true'))).toBe(true);
    expect(expectValue(parseStrictJson('false'))).toBe(false);
    expect(expectValue(parseStrictJson('"x"'))).toBe('x');
    expect(expectValue(parseStrictJson('42'))).toBe(42);
  });

  it('decodes every simple escape', () => {
    const value = expectValue(parseStrictJson(String.raw`"\" \\ \/ \b \f \n \r \t \u00e9 \u00E9"`));

    expect(value).toBe('" \\ / \b \f \n \r \t é é');
  });

  it('keeps __proto__ as own data', () => {
    const value = expectValue(parseStrictJson('{"__proto__":{"polluted":true},"constructor":1}')) as object;

    expect(Object.keys(value)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('allows equal keys in sibling objects', () => {
    const value = expectValue(parseStrictJson('[{"a":1,"b":2},{"a":3,"b":4}]'));

    expect(value).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
  });

  it('allows equal keys in parent and child', () => {
    expect(expectValue(parseStrictJson('{"a":{"a":{"a":1}}}'))).toEqual({ a: { a: { a: 1 } } });
  });

  it('forgets keys of a large sibling', () => {
    const large = Array.from({ length: 40 }, (_, index) => `"k${index}":${index}`).join(',');

    expect(parseStrictJson(`[{${large}},{"k0":1,"k39":2}]`).ok).toBe(true);
  });
});

describe('parseStrictJson syntax errors', () => {
  const invalidTexts: string[] = [
    '[1,]',
    '{"a":1,}',
    "{'a':1}",
    '{a:1}',
    '{1:2}',
    '{"a"}',
    '{"a" 1}',
    '[1 2]',
    '01',
    '-',
    '+1',
    '.5',
    '1.',
    '1.e5',
    '1e',
    '1e+',
    '-x',
    'NaN',
    'Infinity',
    'tru',
    'nul',
    'True',
    '"abc',
    '"tab\there"',
    '"line\nbreak"',
    String.raw`"\x41"`,
    String.raw`"\u12"`,
    String.raw`"\u12G4"`,
    '[1] x',
    '{} {}',
    '[',
    '{"a":1',
    '[1,2',
    ']',
    '// comment\n1',
    '\ufeff{}',
    '\u00a01',
  ];

  it.each(invalidTexts)('rejects %j', (text) => {
    const failure = expectFailure(parseStrictJson(text));

    expect(failure.reason).toBe('syntax');
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  it('rejects empty text', () => {
    const failure = expectFailure(parseStrictJson(''));

    expect(failure.reason).toBe('syntax');
    expect(failure.message).toBe('JSON text is empty; send a JSON value such as {}');
  });

  it('rejects whitespace-only text', () => {
    expect(expectFailure(parseStrictJson(' \n\t\r ')).reason).toBe('syntax');
  });

  it('reports the position', () => {
    const failure = expectFailure(parseStrictJson('{"a":1,}'));

    expect(failure.message).toBe('invalid JSON at position 7: expected a double-quoted object key');
    expect(failure.path).toBeUndefined();
  });

  it('reports an early end', () => {
    expect(expectFailure(parseStrictJson('[1,')).message).toMatch(/^invalid JSON at the end of the text: /);
  });
});

describe('parseStrictJson depth limit', () => {
  it('accepts exactly 64 levels', () => {
    expect(parseStrictJson('['.repeat(64) + ']'.repeat(64)).ok).toBe(true);
  });

  it('rejects 65 levels', () => {
    const failure = expectFailure(parseStrictJson('['.repeat(65) + ']'.repeat(65)));

    expect(failure.reason).toBe('depth');
    expect(failure.message).toBe('JSON nesting is deeper than 64 levels; flatten the document');
    expect(failure.path).toBe('[0]'.repeat(64));
  });

  it('counts an empty object as one level', () => {
    expect(parseStrictJson('{}', { maxDepth: 1 }).ok).toBe(true);
    expect(expectFailure(parseStrictJson('{"a":{}}', { maxDepth: 1 })).reason).toBe('depth');
  });

  it('reports the path of the container', () => {
    const failure = expectFailure(parseStrictJson('{"a":{"b":[1,{"c":{}}]}}', { maxDepth: 3 }));

    expect(failure.reason).toBe('depth');
    expect(failure.path).toBe('a.b[1]');
    expect(failure.message).toBe('JSON nesting is deeper than 3 levels; flatten the document');
  });

  it('rejects 20,000 levels without throwing', () => {
    const text = '['.repeat(20_000) + ']'.repeat(20_000);

    expect(expectFailure(parseStrictJson(text)).reason).toBe('depth');
  });

  it('rejects 1,000,000 unclosed levels without throwing', () => {
    expect(expectFailure(parseStrictJson('{"a":['.repeat(500_000))).reason).toBe('depth');
  });

  it('scans 1,000,000 allowed levels', () => {
    const text = '['.repeat(1_000_000) + ']'.repeat(1_000_000);

    expect(parseStrictJson(text, { maxDepth: 1_000_000 }).ok).toBe(true);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxDepth %s', (maxDepth) => {
    expect(() => parseStrictJson('{}', { maxDepth })).toThrow(RangeError);
    expect(() => parseStrictJson('{}', { maxDepth })).toThrow(`maxDepth must be a positive integer, got ${maxDepth}`);
  });
});

describe('parseStrictJson duplicate keys', () => {
  it('rejects a top-level duplicate', () => {
    const failure = expectFailure(parseStrictJson('{"a":1,"b":2,"a":3}'));

    expect(failure.reason).toBe('duplicate_key');
    expect(failure.path).toBe('a');
    expect(failure.message).toMatch(/duplicate keys are not allowed \(RFC 8259, I-JSON RFC 7493\)/);
  });

  it('rejects a nested duplicate', () => {
    const failure = expectFailure(parseStrictJson('{"payload":{"items":[{},{},{"id":1,"id":2}]}}'));

    expect(failure.reason).toBe('duplicate_key');
    expect(failure.path).toBe('payload.items[2].id');
  });

  it('rejects an escaped duplicate', () => {
    const failure = expectFailure(parseStrictJson(String.raw`{"a":1,"\u0061":2}`));

    expect(failure.reason).toBe('duplicate_key');
    expect(failure.path).toBe('a');
  });

  it('rejects a duplicate after nested values', () => {
    const failure = expectFailure(parseStrictJson('{"a":{"x":[1,{"y":2}]},"b":0,"a":null}'));

    expect(failure.reason).toBe('duplicate_key');
    expect(failure.path).toBe('a');
  });

  it('rejects a duplicate in a large object', () => {
    const members = Array.from({ length: 40 }, (_, index) => `"k${index}":${index}`).join(',');
    const failure = expectFailure(parseStrictJson(`{${members},"k7":0}`));

    expect(failure.reason).toBe('duplicate_key');
    expect(failure.path).toBe('k7');
  });

  it('quotes non-identifier keys in the path', () => {
    const failure = expectFailure(parseStrictJson('{"weird key":{"a-b":{"c":1,"c":2}}}'));

    expect(failure.path).toBe('["weird key"]["a-b"].c');
  });

  it('tells keys that differ apart', () => {
    expect(parseStrictJson(String.raw`{"a":1,"A":2,"\u00e9":3,"é ":4}`).ok).toBe(true);
  });
});

describe('parseStrictJson lone surrogates', () => {
  it('rejects an escaped high surrogate', () => {
    const failure = expectFailure(parseStrictJson(String.raw`"\ud800"`));

    expect(failure.reason).toBe('lone_surrogate');
    expect(failure.path).toBe('');
  });

  it('rejects an escaped low surrogate', () => {
    expect(expectFailure(parseStrictJson(String.raw`"\udc00"`)).reason).toBe('lone_surrogate');
  });

  it('rejects a high surrogate before a letter', () => {
    const failure = expectFailure(parseStrictJson(String.raw`{"a":["x","\ud800\u0041"]}`));

    expect(failure.reason).toBe('lone_surrogate');
    expect(failure.path).toBe('a[1]');
  });

  it('rejects two high surrogates', () => {
    expect(expectFailure(parseStrictJson(String.raw`"\ud83d\ud83d"`)).reason).toBe('lone_surrogate');
  });

  it('rejects a high surrogate at the end', () => {
    expect(expectFailure(parseStrictJson(String.raw`"abc\ud83d"`)).reason).toBe('lone_surrogate');
  });

  it('rejects a lone surrogate in a key', () => {
    const failure = expectFailure(parseStrictJson(String.raw`{"o":{"\udfff":1}}`));

    expect(failure.reason).toBe('lone_surrogate');
    expect(failure.path).toBe('o');
    expect(failure.message).toMatch(/^object key contains a lone UTF-16 surrogate/);
  });

  it('rejects a raw lone surrogate', () => {
    expect(expectFailure(parseStrictJson('"a\ud800b"')).reason).toBe('lone_surrogate');
  });

  it('accepts an escaped surrogate pair', () => {
    expect(expectValue(parseStrictJson(String.raw`"\ud83d\ude00"`))).toBe('😀');
    expect(expectValue(parseStrictJson(String.raw`"\uD83D\uDE00"`))).toBe('😀');
  });

  it('accepts a raw surrogate pair', () => {
    expect(expectValue(parseStrictJson('"😀"'))).toBe('😀');
  });
});

describe('parseStrictJson numbers', () => {
  it.each([
    ['1.0', 1],
    ['1e2', 100],
    ['1E+2', 100],
    ['0.1', 0.1],
    ['1.5e300', 1.5e300],
    ['-0.0', -0],
    ['0e-999', 0],
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['5e-324', 5e-324],
    ['1.7976931348623157e308', 1.7976931348623157e308],
    ['123456789012.345', 123456789012.345],
  ])('accepts %s', (literal, expected) => {
    expect(expectValue(parseStrictJson(literal))).toBe(expected);
  });

  it('keeps the sign of -0', () => {
    expect(Object.is(expectValue(parseStrictJson('-0')), -0)).toBe(true);
  });

  it.each(['1e400', '-1e400', '1.8e308'])('rejects %s as out of range', (literal) => {
    expect(expectFailure(parseStrictJson(literal)).reason).toBe('number_range');
  });

  it.each(['9007199254740992', '-9007199254740992', '12345678901234567890'])(
    'rejects unsafe integer %s',
    (literal) => {
      const failure = expectFailure(parseStrictJson(literal));

      expect(failure.reason).toBe('number_range');
      expect(failure.message).toMatch(/send large integers as strings$/);
    },
  );

  it.each(['0.10000000000000001', '1e-400', '123456789012345678901.5', '4e-324', '9007199254740993.0'])(
    'rejects inexact %s',
    (literal) => {
      expect(expectFailure(parseStrictJson(literal)).reason).toBe('number_precision');
    },
  );

  it('names the stored value', () => {
    const failure = expectFailure(parseStrictJson('{"price":0.10000000000000001}'));

    expect(failure.path).toBe('price');
    expect(failure.message).toBe(
      'number 0.10000000000000001 cannot be stored exactly as a 64-bit float and would become 0.1; ' +
        'send fewer significant digits, or a string',
    );
  });

  it('shortens huge literals in messages', () => {
    const literal = `0.${'1'.repeat(5000)}`;
    const failure = expectFailure(parseStrictJson(literal));

    expect(failure.reason).toBe('number_precision');
    expect(failure.message.length).toBeLessThan(200);
  });

  it('matches an exact decimal oracle', () => {
    const random = seededRandom(8785);
    for (let sample = 0; sample < 5000; sample += 1) {
      const literal = randomNumberLiteral(random);
      const value = Number(literal);
      const isIntegerLiteral = /^-?\d+$/.test(literal);

      let expected = 'ok';
      if (!Number.isFinite(value) || (isIntegerLiteral && !Number.isSafeInteger(value))) {
        expected = 'number_range';
      } else if (!sameDecimalValue(literal, String(value))) {
        expected = 'number_precision';
      }

      const result = parseStrictJson(literal);
      expect(result.ok ? 'ok' : result.reason, literal).toBe(expected);
    }
  });
});

describe('decodeUtf8Strict', () => {
  it('decodes ASCII', () => {
    expect(decodeUtf8Strict(new Uint8Array([0x7b, 0x7d]))).toBe('{}');
  });

  it('decodes multibyte characters', () => {
    expect(decodeUtf8Strict(Buffer.from('é€😀', 'utf8'))).toBe('é€😀');
  });

  it('decodes empty input', () => {
    expect(decodeUtf8Strict(new Uint8Array(0))).toBe('');
  });

  it('rejects an invalid continuation byte', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xc3, 0x28]))).toBeUndefined();
  });

  it('rejects a CESU-8 surrogate', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xed, 0xa0, 0x80]))).toBeUndefined();
  });

  it('rejects an overlong encoding', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xc0, 0xaf]))).toBeUndefined();
  });

  it('rejects a truncated sequence', () => {
    expect(decodeUtf8Strict(new Uint8Array([0x22, 0xe2, 0x82]))).toBeUndefined();
  });

  it('strips a leading BOM', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe('{}');
  });

  it('keeps a second BOM', () => {
    const text = decodeUtf8Strict(new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x31]));

    expect(text).toBe('\ufeff1');
    expect(expectFailure(parseStrictJson(text ?? '')).reason).toBe('syntax');
  });

  it('decodes after a failure', () => {
    expect(decodeUtf8Strict(new Uint8Array([0xe2, 0x82]))).toBeUndefined();
    expect(decodeUtf8Strict(new Uint8Array([0x31]))).toBe('1');
  });

  it('feeds parseStrictJson', () => {
    const text = decodeUtf8Strict(Buffer.from('\ufeff{"name":"Zoë"}', 'utf8'));

    expect(expectValue(parseStrictJson(text ?? ''))).toEqual({ name: 'Zoë' });
  });
});
