/** Limits for redelivering a webhook after a failed attempt. */
export type RetryPolicy = {
  /** Total attempts including the first one. */
  maxAttempts: number;
  /** Upper bound in ms of the delay after the first failed attempt. */
  initialDelayMs: number;
  /** Upper bound in ms of any single delay, including one requested by Retry-After. */
  maxDelayMs: number;
};

/**
 * Default redelivery limits: 8 attempts, delay bounds doubling from 1 s and capped at
 * 5 min. The bounds before attempts 2 to 8 are 1, 2, 4, 8, 16, 32 and 64 s. Without
 * Retry-After, a receiver that stays down therefore gets its last attempt at most 127 s
 * after the first failure, plus the time the attempts themselves take.
 */
export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  initialDelayMs: 1_000,
  maxDelayMs: 300_000,
};

/**
 * Computes the delay in ms before the next attempt, using exponential backoff with full
 * jitter: uniform over the integers in [0, min(maxDelayMs, initialDelayMs * 2^(attemptsMade - 1))].
 * Full jitter spreads out the retries of many deliveries that failed together.
 *
 * When the receiver sent Retry-After, the delay is at least `retryAfterMs`, but never
 * beyond `maxDelayMs`, so a receiver cannot park a delivery indefinitely. Deciding whether
 * another attempt is due (attemptsMade < maxAttempts) is left to the caller.
 *
 * @param attemptsMade attempts already made, 1 after the first failure
 * @param random source of uniform numbers in [0, 1), replaceable for tests
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  random: () => number = Math.random,
  retryAfterMs?: number,
): number {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 1) {
    throw new RangeError(`attemptsMade must be an integer of at least 1, got ${attemptsMade}`);
  }

  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attemptsMade - 1));
  const jittered = Math.min(bound, Math.floor(random() * (bound + 1)));
  if (retryAfterMs === undefined) {
    return jittered;
  }
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs));
}

/**
 * Parses a Retry-After header value (RFC 9110 section 10.2.3) into a delay in ms from `now`.
 *
 * Accepts delta-seconds and all three HTTP-date forms that RFC 9110 section 5.6.7 requires
 * recipients to read (IMF-fixdate, obsolete RFC 850 and asctime). A date in the past, or
 * a negative number of seconds, returns 0. The grammar does not allow negative seconds,
 * but they request no wait either way. Anything else that does not parse returns undefined.
 *
 * @param now current time in ms since the Unix epoch
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) {
    return undefined;
  }
  const value = header.trim();

  if (/^-?\d+$/.test(value)) {
    const seconds = Number(value);
    return seconds <= 0 ? 0 : Math.min(seconds * 1000, Number.MAX_SAFE_INTEGER);
  }

  const date = parseHttpDate(value, now);
  if (date === undefined) {
    return undefined;
  }
  return Math.max(0, date - now);
}

/**
 * Classifies an HTTP response status for delivery.
 *
 * 2xx is success. 408, 429 and 5xx are worth retrying. Other 4xx are permanent.
 * 3xx is permanent because redirects are not followed: the delivery is signed for the
 * receiver that the subscriber registered, and replaying it to whatever host a Location
 * header names would hand a valid signed message to a third party. Statuses outside
 * 200 to 599 are not valid final statuses and are permanent too.
 */
export function classifyResponse(status: number): 'success' | 'retry' | 'permanent' {
  if (status >= 200 && status <= 299) {
    return 'success';
  }
  if (status === 408 || status === 429 || (status >= 500 && status <= 599)) {
    return 'retry';
  }
  return 'permanent';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = MONTHS.join('|');
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
const IMF_FIXDATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${MONTH}) (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${MONTH})-(\\d{2}) ${TIME} GMT$`,
);
const ASCTIME_DATE = new RegExp(`^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${MONTH}) ( \\d|\\d{2}) ${TIME} (\\d{4})$`);

type DateParts = { year: number; month: string; day: string; hour: string; minute: string; second: string };

/** Parses an HTTP-date strictly, because Date.parse accepts many other forms. */
function parseHttpDate(value: string, now: number): number | undefined {
  const imf = IMF_FIXDATE.exec(value);
  if (imf) {
    const [, day = '', month = '', year = '', hour = '', minute = '', second = ''] = imf;
    return toEpochMs({ year: Number(year), month, day, hour, minute, second });
  }

  const rfc850 = RFC850_DATE.exec(value);
  if (rfc850) {
    const [, day = '', month = '', year = '', hour = '', minute = '', second = ''] = rfc850;
    const parts = { year: 0, month, day, hour, minute, second };
    return toEpochMs({ ...parts, year: expandTwoDigitYear(Number(year), parts, now) });
  }

  const asctime = ASCTIME_DATE.exec(value);
  if (asctime) {
    const [, month = '', day = '', hour = '', minute = '', second = '', year = ''] = asctime;
    return toEpochMs({ year: Number(year), month, day: day.trim(), hour, minute, second });
  }
  return undefined;
}

/**
 * Picks the century of a two-digit RFC 850 year. RFC 9110 section 5.6.7 reads a date
 * that would lie more than 50 years in the future as the latest past year with the
 * same last two digits.
 */
function expandTwoDigitYear(twoDigits: number, parts: DateParts, now: number): number {
  const currentYear = new Date(now).getUTCFullYear();
  const candidate = currentYear - (currentYear % 100) + twoDigits;
  const fiftyYearsAhead = new Date(now);
  fiftyYearsAhead.setUTCFullYear(currentYear + 50);
  const candidateMs = toEpochMs({ ...parts, year: candidate }) ?? 0;
  return candidateMs > fiftyYearsAhead.getTime() ? candidate - 100 : candidate;
}

function toEpochMs(parts: DateParts): number | undefined {
  const month = MONTHS.indexOf(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  if (hour > 23 || minute > 59 || second > 60) {
    return undefined;
  }

  // setUTCFullYear, unlike Date.UTC, keeps years 0 to 99 as they are. A leap second is
  // read as second 59 so that it cannot roll over into the next day.
  const date = new Date(0);
  date.setUTCFullYear(parts.year, month, day);
  date.setUTCHours(hour, minute, Math.min(second, 59), 0);
  // Dates roll 31 Feb over into March, so a day that does not exist shows up here.
  if (date.getUTCMonth() !== month || date.getUTCDate() !== day) {
    return undefined;
  }
  return date.getTime();
}
