import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { AddressBlockedError, type AddressGuard } from './address-guard';
import { classifyResponse, parseRetryAfter } from './retry-policy';

/** Maximum number of response body bytes read before the connection is closed. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;

const DEFAULT_USER_AGENT = 'event-ledger-webhooks';
// setTimeout fires at once for delays above this, the largest signed 32-bit integer.
const MAX_TIMER_MS = 2_147_483_647;

export type DeliveryResult = {
  outcome: 'success' | 'retry' | 'permanent';
  /** HTTP status, when the receiver sent a response. */
  status?: number;
  /** Delay in ms that the receiver asked for with Retry-After, set only with outcome 'retry'. */
  retryAfterMs?: number;
  /** Error message, when no response decided the outcome. */
  error?: string;
  /** Wall-clock time of the attempt in whole ms. */
  durationMs: number;
};

export type DeliverWebhookOptions = {
  url: string;
  /** JSON request body, sent as is. */
  body: string;
  /** Extra request headers such as the signature headers. Content-Type and Content-Length are set here. */
  headers: Record<string, string>;
  /**
   * Limit in ms for the whole attempt, from DNS lookup and connecting to reading the
   * response body. A status that arrived in time still decides the outcome.
   */
  timeoutMs: number;
  /** Cancels the attempt, which then ends with outcome 'retry'. */
  signal?: AbortSignal;
  /** Request forgery guard. Without one, every address is reachable. */
  guard?: AddressGuard;
  userAgent?: string;
};

type AttemptResult = Omit<DeliveryResult, 'durationMs'>;

/**
 * Sends one webhook delivery attempt as an HTTP POST and reports how it ended.
 *
 * It never throws. Network errors, timeouts and aborts end as 'retry'. Invalid URLs,
 * schemes other than http and https, and addresses that the guard rejects end as
 * 'permanent', and a rejected address is never connected to. Redirects are not followed
 * (see classifyResponse). Up to 64 KiB of the response body is read and discarded.
 * Every attempt opens its own connection, so a socket that was checked under another
 * guard, or before a DNS change, is never reused.
 */
export async function deliverWebhook(options: DeliverWebhookOptions): Promise<DeliveryResult> {
  const started = performance.now();
  let result: AttemptResult;
  try {
    result = await attemptDelivery(options);
  } catch (error) {
    // Reached only through input outside the declared types, which a retry would not fix.
    result = { outcome: 'permanent', error: errorMessage(error) };
  }
  return { ...result, durationMs: Math.round(performance.now() - started) };
}

async function attemptDelivery(options: DeliverWebhookOptions): Promise<AttemptResult> {
  const { timeoutMs } = options;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
    return { outcome: 'permanent', error: `timeoutMs must be a number of ms from 1 to ${MAX_TIMER_MS}, got ${timeoutMs}` };
  }

  const target = checkTarget(options.url, options.guard);
  if (!(target instanceof URL)) {
    return { outcome: 'permanent', error: target.error };
  }
  if (options.signal?.aborted) {
    return { outcome: 'retry', error: 'aborted before sending' };
  }
  return sendRequest(target, options);
}

/**
 * Parses the URL and checks an IP-literal host with the guard, because http.request
 * connects to IP literals without calling the `lookup` function.
 */
function checkTarget(url: string, guard: AddressGuard | undefined): URL | { error: string } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `invalid webhook URL ${JSON.stringify(url)}; use an absolute http or https URL` };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { error: `unsupported webhook URL scheme "${parsed.protocol}" in ${JSON.stringify(url)}; use http or https` };
  }

  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  if (guard !== undefined && isIP(host) !== 0) {
    const verdict = guard.check(host);
    if (!verdict.ok) {
      return { error: verdict.reason };
    }
  }
  return parsed;
}

function buildRequestOptions(options: DeliverWebhookOptions): RequestOptions {
  return {
    method: 'POST',
    // Later keys win over the caller's headers whatever their case, because Node
    // stores request headers case-insensitively.
    headers: {
      'user-agent': DEFAULT_USER_AGENT,
      ...options.headers,
      ...(options.userAgent === undefined ? {} : { 'user-agent': options.userAgent }),
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(options.body)),
    },
    agent: false,
    ...(options.guard === undefined ? {} : { lookup: options.guard.lookup }),
  };
}

function sendRequest(url: URL, options: DeliverWebhookOptions): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let request: ReturnType<typeof send>;
    try {
      request = send(url, buildRequestOptions(options));
    } catch (error) {
      // Thrown for request options that can never work, such as an invalid header value.
      resolve({ outcome: 'permanent', error: errorMessage(error) });
      return;
    }

    let settled = false;
    let responseResult: AttemptResult | undefined;
    // Once the status line has arrived it decides the outcome, even if reading the body fails.
    const finish = (failure: AttemptResult): void => {
      if (!settled) {
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(responseResult ?? failure);
      }
      request.destroy();
    };
    const onAbort = (): void => finish({ outcome: 'retry', error: 'aborted' });
    const timeout = { outcome: 'retry', error: `timed out after ${options.timeoutMs} ms` } as const;
    const timer = setTimeout(() => finish(timeout), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });

    request.on('error', (error) => finish(requestErrorResult(error)));
    request.on('response', (response) => {
      const result = responseToResult(response);
      responseResult = result;
      discardBody(response, () => finish(result));
    });
    request.end(options.body);
  });
}

function responseToResult(response: IncomingMessage): AttemptResult {
  const status = response.statusCode ?? 0;
  const outcome = classifyResponse(status);
  if (outcome !== 'retry') {
    return { outcome, status };
  }

  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now());
  return retryAfterMs === undefined ? { outcome, status } : { outcome, status, retryAfterMs };
}

/**
 * Reads and drops the response body, then calls `done` once: when the body ends, fails,
 * or reaches MAX_RESPONSE_BODY_BYTES, whichever comes first.
 */
function discardBody(response: IncomingMessage, done: () => void): void {
  let received = 0;
  let called = false;
  const doneOnce = (): void => {
    if (!called) {
      called = true;
      done();
    }
  };

  response.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received >= MAX_RESPONSE_BODY_BYTES) {
      doneOnce();
    }
  });
  response.on('end', doneOnce);
  response.on('error', doneOnce);
  response.on('close', doneOnce);
}

function requestErrorResult(error: Error): AttemptResult {
  const outcome = error instanceof AddressBlockedError ? 'permanent' : 'retry';
  return { outcome, error: errorMessage(error) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
