import { createHash } from 'node:crypto';

/**
 * Hashes `text` as UTF-8 with SHA-256 and returns the digest as 64 lowercase hex digits.
 *
 * Node encodes a lone UTF-16 surrogate as U+FFFD, so two different strings can share a hash.
 * Hash only well-formed text, such as the output of `canonicalize`, which rejects lone surrogates.
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
