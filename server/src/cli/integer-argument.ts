import { InvalidArgumentError } from 'commander';

/**
 * Returns a commander argument parser that accepts decimal integers from `min` to `max`.
 * Commander prefixes the thrown message with the option and the rejected value.
 */
export function integerArgument(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}.`);
    }
    return number;
  };
}
