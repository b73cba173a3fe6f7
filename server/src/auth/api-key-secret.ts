import { hash, randomBytes } from 'node:crypto';

/** Prefix of every API key, so leaked keys are easy to recognise in logs, code and secret scanners. */
export const apiKeyPrefix = 'sk_';

/** Random bytes in a key: 256 bits, far beyond what guessing can reach. */
const secretBytes = 32;

/** A well-formed API key: the prefix and 32 bytes in unpadded base64url (43 characters). */
export const apiKeyPattern = /^sk_[A-Za-z0-9_-]{43}$/;

/** Generates a new API key: `sk_` followed by 32 random bytes in base64url. */
export function generateApiKeySecret(): string {
  return apiKeyPrefix + randomBytes(secretBytes).toString('base64url');
}

/**
 * Hashes an API key for storage and lookup, as lowercase SHA-256 hex. A fast hash is enough
 * here: slow password hashes (scrypt, Argon2) exist to make guessing low-entropy passwords
 * expensive, but a key contains 256 random bits, so a stolen hash cannot be reversed by guessing
 * either way. A fast, deterministic hash also lets each request find its key with one index
 * lookup instead of comparing against every stored key.
 */
export function hashApiKeySecret(secret: string): string {
  // The one-shot crypto.hash (Node.js 20.12 and later) costs a fraction of createHash per call.
  return hash('sha256', secret, 'hex');
}
