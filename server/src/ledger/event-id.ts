import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lowercase

/**
 * Generates time-sortable ids in the ULID layout: 48 bits of milliseconds, then 80 random bits,
 * as 26 base32 characters. Ids from one generator are strictly increasing, even within one
 * millisecond, so they sort in append order and keep the id index append-only.
 */
export function createIdGenerator(prefix: string): () => string {
  let lastTime = -1;
  const random = new Uint8Array(10);

  return () => {
    const now = Date.now();
    if (now > lastTime) {
      lastTime = now;
      random.set(randomBytes(10));
    } else {
      incrementRandom(random);
    }
    return prefix + encodeTime(lastTime) + encodeRandom(random);
  };
}

function incrementRandom(random: Uint8Array): void {
  for (let index = random.length - 1; index >= 0; index--) {
    const value = random[index]!;
    if (value < 255) {
      random[index] = value + 1;
      return;
    }
    random[index] = 0;
  }
}

function encodeTime(time: number): string {
  let text = '';
  let rest = time;
  for (let index = 0; index < 10; index++) {
    text = alphabet[rest % 32] + text;
    rest = Math.floor(rest / 32);
  }
  return text;
}

function encodeRandom(random: Uint8Array): string {
  // 80 bits as 16 characters of 5 bits each, most significant first.
  let text = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of random) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += alphabet[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return text;
}
