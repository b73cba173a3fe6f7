import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { findNonJsonValue } from '../json-value';

const MAX_DEPTH = 64;

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

class TaggedList extends Array<number> {}

describe('findNonJsonValue accepts plain JSON', () => {
  it.each([
    ['null', null],
    ['true', true],
    ['false', false],
    ['zero', 0],
    ['negative zero', -0],
    ['max safe integer', Number.MAX_SAFE_INTEGER],
    ['min safe integer', Number.MIN_SAFE_INTEGER],
    ['1e21', 1e21],
    ['1.5e300', 1.5e300],
    ['fraction', 0.1],
    ['string', 'Zoë 😀'],
    ['empty string', ''],
    ['empty array', []],
    ['empty object', {}],
  ])('%s', (_label, value) => {
    expect(findNonJsonValue(value, MAX_DEPTH)).toBeUndefined();
  });

  it('accepts a nested document', () => {
    const value = { type: 'order.created', payload: { items: [{ id: 'a', qty: 2 }], note: null, tags: ['x'] } };

    expect(findNonJsonValue(value, MAX_DEPTH)).toBeUndefined();
  });

  it('accepts null-prototype objects', () => {
    const value = Object.create(null) as Record<string, unknown>;
    value.a = 1;

    expect(findNonJsonValue(value, MAX_DEPTH)).toBeUndefined();
  });

  it('accepts __proto__ as data', () => {
    const value: unknown = JSON.parse('{"__proto__":{"x":1},"constructor":{"y":[2]}}');

    expect(findNonJsonValue(value, MAX_DEPTH)).toBeUndefined();
  });

  it('accepts a shared non-circular reference', () => {
    const shared = { x: 1 };

    expect(findNonJsonValue({ a: shared, b: [shared] }, MAX_DEPTH)).toBeUndefined();
  });
});

describe('findNonJsonValue rejects non-JSON values', () => {
  const rejected: Array<[label: string, value: unknown, path: string, problem: string]> = [
    ['top-level undefined', undefined, '', 'is undefined, which JSON cannot represent; omit the property or send null'],
    ['undefined property', { a: { b: undefined } }, 'a.b', 'is undefined, which JSON cannot represent; omit the property or send null'],
    ['undefined element', [1, undefined], '[1]', 'is undefined, which JSON cannot represent; omit the property or send null'],
    ['BigInt', { amount: 10n }, 'amount', 'is a BigInt, not a JSON value; send it as a string'],
    ['Date', { when: new Date(0) }, 'when', 'is a Date, not a JSON value; send an ISO 8601 string'],
    ['Map', { m: new Map() }, 'm', 'is a Map, not a JSON value; send a plain object or an array of [key, value] pairs'],
    ['Set', { s: new Set() }, 's', 'is a Set, not a JSON value; send an array'],
    ['RegExp', { r: /x/ }, 'r', 'is a RegExp, not a JSON value; send its source as a string'],
    ['class instance', { p: new Point(1, 2) }, 'p', 'is an instance of Point, not a plain object; send a plain object'],
    ['typed array', { bytes: new Uint8Array(2) }, 'bytes', 'is an instance of Uint8Array, not a plain object; send a plain object'],
    ['array subclass', { list: TaggedList.from([1]) }, 'list', 'is an instance of TaggedList, not a plain array; send an array'],
    ['function', { f: () => 1 }, 'f', 'is a function, not a JSON value; remove it'],
    ['symbol', { s: Symbol('s') }, 's', 'is a symbol, not a JSON value; send a string'],
    ['NaN', { n: Number.NaN }, 'n', 'is NaN, not a JSON number; send null or a string'],
    ['Infinity', { n: Number.POSITIVE_INFINITY }, 'n', 'is Infinity, not a JSON number; send null or a string'],
    ['negative Infinity', { n: Number.NEGATIVE_INFINITY }, 'n', 'is -Infinity, not a JSON number; send null or a string'],
    ['sparse hole', { list: [1, , 3] }, 'list[1]', 'is a hole in a sparse array; fill it with null'],
    ['lone high surrogate', { s: 'a\ud800' }, 's', 'is a string with a lone UTF-16 surrogate; send well-formed Unicode text'],
    ['lone low surrogate', ['\udc00b'], '[0]', 'is a string with a lone UTF-16 surrogate; send well-formed Unicode text'],
    ['symbol key', { [Symbol('k')]: 1 }, '', 'has a symbol-keyed property, which JSON cannot represent; use string keys'],
  ];

  it.each(rejected)('%s', (_label, value, path, problem) => {
    const found = findNonJsonValue(value, MAX_DEPTH);

    expect(found?.path).toBe(path);
    expect(found?.problem).toBe(problem);
  });

  it.each([2 ** 53, -(2 ** 53), 1e20, -1e20])('rejects unsafe integer %s', (value) => {
    const found = findNonJsonValue({ n: value }, MAX_DEPTH);

    expect(found?.path).toBe('n');
    expect(found?.problem).toMatch(/^is an integer beyond ±9007199254740991/);
  });

  it('quotes non-identifier keys in the path', () => {
    const found = findNonJsonValue({ 'weird key': { 'a-b': [0, undefined] } }, MAX_DEPTH);

    expect(found?.path).toBe('["weird key"]["a-b"][1]');
  });

  it('reports the first problem in document order', () => {
    const found = findNonJsonValue({ a: [1, { b: new Date(0) }], c: undefined, d: 10n }, MAX_DEPTH);

    expect(found?.path).toBe('a[1].b');
  });

  it('rejects undefined delivered by superjson', () => {
    const delivered: unknown = superjson.parse(superjson.stringify({ note: undefined, items: [1] }));

    expect(findNonJsonValue(delivered, MAX_DEPTH)?.path).toBe('note');
  });

  it('rejects a Date delivered by superjson', () => {
    const delivered: unknown = superjson.parse(superjson.stringify({ at: new Date(0) }));

    expect(findNonJsonValue(delivered, MAX_DEPTH)?.problem).toBe('is a Date, not a JSON value; send an ISO 8601 string');
  });
});

describe('findNonJsonValue depth limit', () => {
  it('counts a top-level object as one level', () => {
    expect(findNonJsonValue({ a: 1 }, 1)).toBeUndefined();
  });

  it('rejects one level too many', () => {
    const found = findNonJsonValue({ a: { b: [] } }, 2);

    expect(found?.path).toBe('a.b');
    expect(found?.problem).toBe('is nested deeper than 2 levels; flatten the document');
  });

  it('accepts exactly maxDepth levels', () => {
    expect(findNonJsonValue([[[]]], 3)).toBeUndefined();
  });

  it('stops at circular references', () => {
    const value: Record<string, unknown> = {};
    value.self = value;

    expect(findNonJsonValue(value, MAX_DEPTH)?.problem).toBe('is nested deeper than 64 levels; flatten the document');
  });

  it('walks 1,000,000 levels without throwing', () => {
    let value: unknown = 'leaf';
    for (let level = 0; level < 1_000_000; level += 1) {
      value = [value];
    }

    expect(findNonJsonValue(value, 1_000_000)).toBeUndefined();
    expect(findNonJsonValue(value, 999_999)?.problem).toBe('is nested deeper than 999999 levels; flatten the document');
  });

  it.each([0, -1, 2.5, Number.NaN])('rejects maxDepth %s', (maxDepth) => {
    expect(() => findNonJsonValue({}, maxDepth)).toThrow(RangeError);
    expect(() => findNonJsonValue({}, maxDepth)).toThrow(`maxDepth must be a positive integer, got ${maxDepth}`);
  });
});
