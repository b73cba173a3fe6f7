import { describe, expect, it } from 'vitest';
import { decideRunState } from '../../src/workflows/decide-run-state';

const policy = { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 10_000 };
const now = 1_700_000_000_000;
const highest = () => 0.999_999;

describe('decideRunState', () => {
  it('ends the run on success', () => {
    expect(decideRunState({ outcome: 'success' }, 1, policy, now)).toEqual({ status: 'succeeded' });
  });

  it('kills the run on permanent failure', () => {
    expect(decideRunState({ outcome: 'permanent' }, 1, policy, now)).toEqual({ status: 'dead' });
  });

  it('kills the run after last attempt', () => {
    expect(decideRunState({ outcome: 'retry' }, 3, policy, now)).toEqual({ status: 'dead' });
  });

  it('doubles the delay bound', () => {
    expect(decideRunState({ outcome: 'retry' }, 1, policy, now, highest)).toEqual({ status: 'retrying', delayMs: 1000, nextAttemptAt: now + 1000 });
    expect(decideRunState({ outcome: 'retry' }, 2, policy, now, highest)).toEqual({ status: 'retrying', delayMs: 2000, nextAttemptAt: now + 2000 });
  });

  it('honours Retry-After within maxDelayMs', () => {
    expect(decideRunState({ outcome: 'retry', retryAfterMs: 5000 }, 1, policy, now, () => 0)).toMatchObject({ delayMs: 5000 });
    expect(decideRunState({ outcome: 'retry', retryAfterMs: 60_000 }, 1, policy, now, () => 0)).toMatchObject({ delayMs: 10_000 });
  });
});
