import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  defaultRetryPolicy,
  nextRetryDelayMs,
  parseRetryAfter,
  type RetryPolicy,
} from '../../src/workflows/retry-policy';

const policy: RetryPolicy = { maxAttempts: 8, initialDelayMs: 1_000, maxDelayMs: 10_000 };
const almostOne = () => 0.999_999_999;
const zero = () => 0;
const half = () => 0.5;

describe('defaultRetryPolicy', () => {
  it('has documented values', () => {
    expect(defaultRetryPolicy.maxAttempts).toBe(8);
    expect(defaultRetryPolicy.initialDelayMs).toBe(1_000);
    expect(defaultRetryPolicy.maxDelayMs).toBe(300_000);
  });
});

describe('nextRetryDelayMs', () => {
  it('doubles the upper bound per attempt', () => {
    expect(nextRetryDelayMs(policy, 1, almostOne)).toBe(1_000);
    expect(nextRetryDelayMs(policy, 2, almostOne)).toBe(2_000);
    expect(nextRetryDelayMs(policy, 3, almostOne)).toBe(4_000);
    expect(nextRetryDelayMs(policy, 4, almostOne)).toBe(8_000);
  });

  it('caps the bound at maxDelayMs', () => {
    expect(nextRetryDelayMs(policy, 5, almostOne)).toBe(10_000);
    expect(nextRetryDelayMs(policy, 60, almostOne)).toBe(10_000);
    expect(nextRetryDelayMs(policy, 2_000, almostOne)).toBe(10_000);
  });

  it('jitters down to zero', () => {
    expect(nextRetryDelayMs(policy, 1, zero)).toBe(0);
    expect(nextRetryDelayMs(policy, 7, zero)).toBe(0);
  });

  it('scales the bound by random', () => {
    expect(nextRetryDelayMs(policy, 1, half)).toBe(500);
    expect(nextRetryDelayMs(policy, 3, half)).toBe(2_000);
  });

  it('stays within bounds for Math.random', () => {
    for (let attempts = 1; attempts <= 20; attempts += 1) {
      const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempts - 1));
      const delay = nextRetryDelayMs(policy, attempts);
      expect(Number.isInteger(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(bound);
    }
  });

  it('waits at least Retry-After', () => {
    expect(nextRetryDelayMs(policy, 1, zero, 7_000)).toBe(7_000);
  });

  it('keeps a longer jittered delay over Retry-After', () => {
    expect(nextRetryDelayMs(policy, 4, almostOne, 3_000)).toBe(8_000);
  });

  it('caps Retry-After at maxDelayMs', () => {
    expect(nextRetryDelayMs(policy, 1, zero, 3_600_000)).toBe(10_000);
  });

  it('rejects attemptsMade below one', () => {
    expect(() => nextRetryDelayMs(policy, 0)).toThrow('attemptsMade must be an integer of at least 1, got 0');
    expect(() => nextRetryDelayMs(policy, 1.5)).toThrow('got 1.5');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 2, 10, 12, 0, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
  });

  it('reads zero seconds', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
  });

  it('trims surrounding whitespace', () => {
    expect(parseRetryAfter(' 5 ', now)).toBe(5_000);
  });

  it('reads negative seconds as zero', () => {
    expect(parseRetryAfter('-30', now)).toBe(0);
  });

  it('reads an IMF-fixdate', () => {
    expect(parseRetryAfter('Mon, 10 Mar 2025 12:01:30 GMT', now)).toBe(90_000);
  });

  it('reads an RFC 850 date', () => {
    expect(parseRetryAfter('Monday, 10-Mar-25 12:00:10 GMT', now)).toBe(10_000);
  });

  it('reads an asctime date', () => {
    expect(parseRetryAfter('Mon Mar 10 12:00:20 2025', now)).toBe(20_000);
    expect(parseRetryAfter('Sat Mar  1 12:00:00 2025', Date.UTC(2025, 2, 1, 11, 59, 0))).toBe(60_000);
  });

  it('reads a past date as zero', () => {
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(0);
  });

  it('reads an RFC 850 year in the past century', () => {
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(0);
  });

  it('returns undefined without header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  const invalid = [
    '',
    'soon',
    '1.5',
    '12abc',
    '2025-03-10T12:01:00Z',
    'Mon, 10 Mar 2025 12:01:30 UTC',
    'mon, 10 Mar 2025 12:01:30 GMT',
    'Mon, 31 Feb 2025 12:01:30 GMT',
    'Mon, 10 Mar 2025 24:00:00 GMT',
    'Mon, 10 Mar 2025 12:60:00 GMT',
    '10 Mar 2025 12:01:30 GMT',
  ];
  for (const value of invalid) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    });
  }
});

describe('classifyResponse', () => {
  const table: Array<[status: number, expected: 'success' | 'retry' | 'permanent']> = [
    [200, 'success'],
    [201, 'success'],
    [204, 'success'],
    [299, 'success'],
    [301, 'permanent'],
    [302, 'permanent'],
    [307, 'permanent'],
    [308, 'permanent'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [408, 'retry'],
    [410, 'permanent'],
    [413, 'permanent'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
    [599, 'retry'],
    [100, 'permanent'],
    [600, 'permanent'],
    [0, 'permanent'],
  ];
  for (const [status, expected] of table) {
    it(`classifies ${status} as ${expected}`, () => {
      expect(classifyResponse(status)).toBe(expected);
    });
  }
});
