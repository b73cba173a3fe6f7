/** Settings of a token bucket: steady rate and burst size. */
export interface RateLimitSettings {
  /** Tokens added per second: the sustained request rate. */
  perSecond: number;
  /** Bucket size: the maximum number of requests accepted at once after a quiet period. */
  burst: number;
  /** Maximum number of buckets in memory; beyond it the least recently used is dropped. Defaults to 100,000. */
  maxBuckets?: number;
}

/** Outcome of taking tokens: allowed, or rejected with the whole seconds to wait. */
export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

const defaultMaxBuckets = 100_000;

/**
 * Token buckets keyed by client (an API key id or a client address). Memory stays bounded: a
 * bucket that has refilled is the same as no bucket and is dropped on the next sweep, and the
 * map never contains more than `maxBuckets` entries, dropping the least recently used first.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly maxBuckets: number;
  /** Time after which an untouched bucket is full again, so it can be dropped. */
  private readonly refillMs: number;
  private lastSweepMs = 0;

  constructor(
    readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {
    if (!(settings.perSecond > 0) || !(settings.burst >= 1)) {
      throw new RangeError(`a token bucket needs perSecond > 0 and burst >= 1, got ${settings.perSecond} and ${settings.burst}`);
    }
    this.maxBuckets = settings.maxBuckets ?? defaultMaxBuckets;
    this.refillMs = (settings.burst / settings.perSecond) * 1000;
  }

  /** Takes `cost` tokens (at most the burst size) from the client's bucket. */
  take(client: string, cost = 1): RateLimitDecision {
    const now = this.now();
    this.sweep(now);
    const needed = Math.min(cost, this.settings.burst);
    const bucket = this.refilled(client, now);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return { allowed: true };
    }
    const waitSeconds = (needed - bucket.tokens) / this.settings.perSecond;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }

  /** Number of buckets held, for tests of the memory bound. */
  get size(): number {
    return this.buckets.size;
  }

  /** Returns the client's bucket topped up for the time since its last use, as the most recently used entry. */
  private refilled(client: string, now: number): Bucket {
    const existing = this.buckets.get(client);
    if (existing !== undefined) this.buckets.delete(client);
    const bucket = existing ?? { tokens: this.settings.burst, updatedMs: now };
    const elapsedSeconds = Math.max(0, now - bucket.updatedMs) / 1000;
    bucket.tokens = Math.min(this.settings.burst, bucket.tokens + elapsedSeconds * this.settings.perSecond);
    bucket.updatedMs = now;
    this.buckets.set(client, bucket);
    if (this.buckets.size > this.maxBuckets) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return bucket;
  }

  /** Drops buckets that have refilled, oldest first, at most once per refill period or per second, whichever is longer. */
  private sweep(now: number): void {
    if (now - this.lastSweepMs < Math.max(this.refillMs, 1000)) return;
    this.lastSweepMs = now;
    for (const [client, bucket] of this.buckets) {
      // Map order is least recently used first, so the first bucket still in use ends the sweep.
      if (now - bucket.updatedMs < this.refillMs) break;
      this.buckets.delete(client);
    }
  }
}
