import { describe, expect, it } from 'vitest';
import { matchesTrigger, parseTriggerPattern, type TriggerPattern } from '../../src/workflows/trigger-pattern';

function parse(source: string): TriggerPattern {
  const result = parseTriggerPattern(source);
  if (!result.ok) {
    throw new Error(`expected ${JSON.stringify(source)} to parse, got: ${result.message}`);
  }
  return result.pattern;
}

function parseError(source: string): string {
  const result = parseTriggerPattern(source);
  if (result.ok) {
    throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
  }
  return result.message;
}

describe('matchesTrigger', () => {
  const table: Array<[pattern: string, type: string, expected: boolean]> = [
    ['support.ticket.created', 'support.ticket.created', true],
    ['support.ticket.created', 'support.ticket.closed', false],
    ['support.ticket.created', 'support.ticket', false],
    ['support.ticket.created', 'support.ticket.created.v2', false],
    ['support.ticket.created', 'support.ticket.createdx', false],
    ['support.ticket', 'support.ticket.created', false],
    ['support.ticket.*', 'support.ticket.created', true],
    ['support.ticket.*', 'support.ticket.closed', true],
    ['support.ticket.*', 'support.ticket', false],
    ['support.ticket.*', 'support.ticket.created.v2', false],
    ['*.ticket.created', 'support.ticket.created', true],
    ['*.ticket.created', 'sales.ticket.created', true],
    ['*.ticket.created', 'ticket.created', false],
    ['*.*', 'a.b', true],
    ['*.*', 'a', false],
    ['*.*', 'a.b.c', false],
    ['*', 'a', true],
    ['*', 'a.b', false],
    ['support.>', 'support.ticket', true],
    ['support.>', 'support.ticket.created', true],
    ['support.>', 'support', false],
    ['support.>', 'supporting.ticket', false],
    ['support.*.>', 'support.ticket.created', true],
    ['support.*.>', 'support.ticket', false],
    ['>', 'support', true],
    ['>', 'support.ticket.created', true],
    ['Support.ticket.created', 'support.ticket.created', false],
    ['support.ticket.created', 'support.Ticket.created', false],
    ['order_line-item.v2', 'order_line-item.v2', true],
  ];

  for (const [pattern, type, expected] of table) {
    it(`${pattern} against ${type} is ${expected}`, () => {
      expect(matchesTrigger(parse(pattern), type)).toBe(expected);
    });
  }

  it('wildcards reject empty type segments', () => {
    expect(matchesTrigger(parse('a.*.c'), 'a..c')).toBe(false);
    expect(matchesTrigger(parse('a.>'), 'a.')).toBe(false);
    expect(matchesTrigger(parse('>'), '')).toBe(false);
  });
});

describe('parseTriggerPattern', () => {
  it('keeps source and segments', () => {
    const pattern = parse('support.*.>');
    expect(pattern.source).toBe('support.*.>');
    expect(pattern.segments).toEqual(['support', '*']);
    expect(pattern.matchesRest).toBe(true);
  });

  it('accepts a 200-character pattern', () => {
    const source = `${'a'.repeat(99)}.${'b'.repeat(100)}`;
    expect(source).toHaveLength(200);
    expect(parseTriggerPattern(source).ok).toBe(true);
  });

  const invalid: Array<[pattern: string, messagePart: string]> = [
    ['', 'must not be empty'],
    ['a.>.b', '`>` may only be the last segment of a trigger pattern, got "a.>.b"'],
    ['>.a', '`>` may only be the last segment'],
    ['support..created', 'empty segment'],
    ['.support', 'empty segment'],
    ['support.', 'empty segment'],
    ['support.ti*', 'must be a whole segment, got "ti*"'],
    ['support.*ket', 'must be a whole segment, got "*ket"'],
    ['support.a>', 'must be a whole segment, got "a>"'],
    ['**', 'must be a whole segment'],
    ['support. ticket', 'must not contain whitespace'],
    ['support.ticket\n', 'must not contain whitespace'],
    ['support.tick$t', 'may contain only letters, digits, "_" and "-"'],
    ['support.tické', 'may contain only letters, digits, "_" and "-"'],
    ['a'.repeat(201), 'at most 200 characters, got 201'],
  ];

  for (const [pattern, messagePart] of invalid) {
    it(`rejects ${JSON.stringify(pattern.length > 20 ? `${pattern.slice(0, 20)}...` : pattern)}`, () => {
      expect(parseError(pattern)).toContain(messagePart);
    });
  }
});
