import type { DeliveryResult } from './deliver-webhook';
import { nextRetryDelayMs, type RetryPolicy } from './retry-policy';

/** The state a run moves to after an attempt. */
export type RunDecision =
  | { status: 'succeeded' }
  | { status: 'retrying'; delayMs: number; nextAttemptAt: number }
  | { status: 'dead' };

/**
 * Decides what follows an attempt. Success ends the run, and a permanent failure or a failed
 * last attempt makes it dead. Any other failure schedules a retry after a delay with full
 * jitter, which honours Retry-After up to the policy's maximum delay.
 *
 * @param attempt number of the attempt that just ended, from 1
 * @param now time in ms since the Unix epoch that the delay counts from
 */
export function decideRunState(
  outcome: Pick<DeliveryResult, 'outcome' | 'retryAfterMs'>,
  attempt: number,
  policy: RetryPolicy,
  now: number,
  random: () => number = Math.random,
): RunDecision {
  if (outcome.outcome === 'success') return { status: 'succeeded' };
  if (outcome.outcome === 'permanent' || attempt >= policy.maxAttempts) return { status: 'dead' };
  const delayMs = nextRetryDelayMs(policy, attempt, random, outcome.retryAfterMs);
  return { status: 'retrying', delayMs, nextAttemptAt: now + delayMs };
}
