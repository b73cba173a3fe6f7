import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
// The id travels as an HTTP header value, so it is limited to visible ASCII.
const MESSAGE_ID = /^[\x21-\x7e]+$/;

export type WebhookHeaders = Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;

export type SignWebhookInput = {
  /** Message id, stable across retries so that receivers can drop duplicates. */
  id: string;
  /** Send time in Unix seconds. */
  timestamp: number;
  /** Exact request body. Receivers verify these bytes, so it must be sent unchanged. */
  body: string;
  /** Signing secrets in `whsec_<base64>` form. Several during a rotation. */
  secrets: string[];
};

/**
 * Generates a Standard Webhooks signing secret: `whsec_` followed by the base64 of
 * 32 random bytes from the operating system's CSPRNG.
 */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/**
 * Builds the Standard Webhooks headers (https://www.standardwebhooks.com/) for one
 * delivery attempt.
 *
 * Each secret yields a `v1,<base64 HMAC-SHA256>` entry over `${id}.${timestamp}.${body}`,
 * keyed with the base64-decoded part after `whsec_`. Entries are space-separated, so
 * during a rotation a receiver that still has only the old secret, or already only
 * the new one, accepts the message. Throws a TypeError naming the bad input and never
 * the secret's value.
 */
export function signWebhook({ id, timestamp, body, secrets }: SignWebhookInput): WebhookHeaders {
  checkSignInput(id, timestamp, secrets);

  const content = `${id}.${timestamp}.${body}`;
  const signatures = secrets.map((secret, index) => {
    const key = decodeSecret(secret, index);
    return `v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`;
  });

  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

function checkSignInput(id: string, timestamp: number, secrets: string[]): void {
  if (!MESSAGE_ID.test(id)) {
    throw new TypeError(
      `webhook id must be non-empty visible ASCII without spaces, got ${JSON.stringify(id)}`,
    );
  }
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new TypeError(`webhook timestamp must be a non-negative integer of Unix seconds, got ${timestamp}`);
  }
  if (secrets.length === 0) {
    throw new TypeError('webhook secrets must contain at least one secret; generate one with generateWebhookSecret()');
  }
}

function decodeSecret(secret: string, index: number): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new TypeError(`webhook secret at index ${index} must start with "${SECRET_PREFIX}"`);
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (encoded.length === 0 || !BASE64.test(encoded)) {
    throw new TypeError(
      `webhook secret at index ${index} must be "${SECRET_PREFIX}" followed by non-empty padded base64`,
    );
  }
  return Buffer.from(encoded, 'base64');
}
