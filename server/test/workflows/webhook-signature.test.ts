import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook } from '../../src/workflows/webhook-signature';

const body = JSON.stringify({ type: 'support.ticket.created', data: { id: 'tkt_1', subject: 'Drucker kaputt ✓' } });

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

describe('generateWebhookSecret', () => {
  it('has whsec_ prefix and 32 bytes', () => {
    const secret = generateWebhookSecret();
    expect(secret.startsWith('whsec_')).toBe(true);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
  });

  it('differs between calls', () => {
    expect(generateWebhookSecret()).not.toBe(generateWebhookSecret());
  });
});

describe('signWebhook', () => {
  it('sets the three standard headers', () => {
    const headers = signWebhook({ id: 'msg_1', timestamp: 1_700_000_000, body, secrets: [generateWebhookSecret()] });
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe('1700000000');
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('matches the reference library signature', () => {
    const secret = generateWebhookSecret();
    const timestamp = 1_700_000_000;
    const headers = signWebhook({ id: 'msg_ref', timestamp, body, secrets: [secret] });
    const expected = new Webhook(secret).sign('msg_ref', new Date(timestamp * 1000), body);
    expect(headers['webhook-signature']).toBe(expected);
  });

  it('verifies with the reference library', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_2', timestamp: nowSeconds(), body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('verifies with both secrets during rotation', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_3', timestamp: nowSeconds(), body, secrets: [oldSecret, newSecret] });

    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fails verification with another secret', () => {
    const headers = signWebhook({ id: 'msg_4', timestamp: nowSeconds(), body, secrets: [generateWebhookSecret()] });
    expect(() => new Webhook(generateWebhookSecret()).verify(body, headers)).toThrow('No matching signature found');
  });

  it('fails verification for a tampered body', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_5', timestamp: nowSeconds(), body, secrets: [secret] });
    const tampered = body.replace('tkt_1', 'tkt_2');
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow('No matching signature found');
  });

  it('fails verification for a changed id', () => {
    const secret = generateWebhookSecret();
    const headers = signWebhook({ id: 'msg_6', timestamp: nowSeconds(), body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_7' })).toThrow(
      'No matching signature found',
    );
  });

  it('rejects a secret without prefix', () => {
    const bare = generateWebhookSecret().slice('whsec_'.length);
    expect(() => signWebhook({ id: 'msg_8', timestamp: 1, body, secrets: [bare] })).toThrow(
      'webhook secret at index 0 must start with "whsec_"',
    );
  });

  it('rejects a secret that is not base64', () => {
    expect(() => signWebhook({ id: 'msg_9', timestamp: 1, body, secrets: ['whsec_not base64!'] })).toThrow(
      'padded base64',
    );
  });

  it('keeps the secret out of errors', () => {
    let message = '';
    try {
      signWebhook({ id: 'msg_10', timestamp: 1, body, secrets: ['whsec_abc$'] });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('padded base64');
    expect(message).not.toContain('abc$');
  });

  it('rejects an empty secret list', () => {
    expect(() => signWebhook({ id: 'msg_11', timestamp: 1, body, secrets: [] })).toThrow('at least one secret');
  });

  it('rejects an id with whitespace', () => {
    expect(() => signWebhook({ id: 'msg 12', timestamp: 1, body, secrets: [generateWebhookSecret()] })).toThrow(
      'webhook id must be non-empty visible ASCII',
    );
  });

  it('rejects a fractional timestamp', () => {
    expect(() => signWebhook({ id: 'msg_13', timestamp: 1.5, body, secrets: [generateWebhookSecret()] })).toThrow(
      'got 1.5',
    );
  });
});
