import { InvalidArgumentError } from 'commander';

/** Parses a command-line value as a positive integer; underscores are allowed as digit separators (`1_000_000`). */
export function parsePositiveInteger(text: string): number {
  const value = Number(text.replaceAll('_', ''));
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`expected a positive integer, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Parses a command-line value as whole seconds from 0 to 3600. Whole seconds only, because
 * autocannon ends a run at its next one-second tick, so a fraction would silently round up.
 */
export function parseWholeSeconds(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < 0 || value > 3600) {
    throw new InvalidArgumentError(`expected whole seconds from 0 to 3600, got ${JSON.stringify(text)}`);
  }
  return value;
}
