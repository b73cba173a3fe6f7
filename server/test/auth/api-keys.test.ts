import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../contracts';
import { ApiKeyAdmin } from '../../src/auth/api-key-admin';
import { ApiKeyAuthenticator } from '../../src/auth/api-key-authenticator';
import { apiKeyPattern, generateApiKeySecret, hashApiKeySecret } from '../../src/auth/api-key-secret';
import { withApiKeyAdmin } from '../../src/auth/open-api-key-admin';
import { parseExpiry, parseScopeList } from '../../src/auth/parse-key-options';
import { openSqlite } from '../../src/storage/sqlite/open-sqlite';
import { runMigrations } from '../../src/storage/sqlite/run-migrations';

describe('API key secrets', () => {
  it('have the sk_ prefix and 43 base64url characters', () => {
    expect(generateApiKeySecret()).toMatch(apiKeyPattern);
  });

  it('differ on each call', () => {
    const secrets = new Set(Array.from({ length: 1000 }, generateApiKeySecret));
    expect(secrets.size).toBe(1000);
  });

  it('hash to SHA-256 hex', () => {
    expect(hashApiKeySecret('sk_test')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKeySecret('sk_test')).toBe(hashApiKeySecret('sk_test'));
  });
});

describe('ApiKeyAdmin on a database file', () => {
  let folder: string;
  let databasePath: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
    databasePath = join(folder, 'events.db');
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('creates a key with every scope by default', async () => {
    const created = await withApiKeyAdmin(databasePath, { create: true }, (admin) => admin.create({ orgId: 'org_acme_123' }));
    expect(created.secret).toMatch(apiKeyPattern);
    expect(created.key.id).toMatch(/^key_[0-9a-z]{26}$/);
    expect(created.key.scopes).toEqual(['events:read', 'events:write', 'workflows:manage']);
    expect(created.key.revokedAt).toBeNull();
  });

  it('stores only the hash of the secret', async () => {
    const created = await withApiKeyAdmin(databasePath, { create: true }, (admin) => admin.create({ orgId: 'org_acme_123' }));
    const files = readdirSync(folder).map((name) => readFileSync(join(folder, name)));
    const secretBytes = Buffer.from(created.secret);
    const secretBody = Buffer.from(created.secret.slice(3));
    expect(files.some((bytes) => bytes.includes(secretBytes))).toBe(false);
    expect(files.some((bytes) => bytes.includes(secretBody))).toBe(false);
    expect(files.some((bytes) => bytes.includes(Buffer.from(hashApiKeySecret(created.secret))))).toBe(true);
  });

  it('lists keys without secrets', async () => {
    const keys = await withApiKeyAdmin(databasePath, { create: true }, async (admin) => {
      await admin.create({ orgId: 'org_a', name: 'first' });
      await admin.create({ orgId: 'org_b', scopes: ['events:read'] });
      return admin.list();
    });
    expect(keys.map((key) => key.orgId)).toEqual(['org_a', 'org_b']);
    expect(keys[1]!.scopes).toEqual(['events:read']);
    expect(JSON.stringify(keys)).not.toContain('sk_');
    expect(JSON.stringify(keys)).not.toContain('secret');
  });

  it('lists keys of one organisation', async () => {
    const keys = await withApiKeyAdmin(databasePath, { create: true }, async (admin) => {
      await admin.create({ orgId: 'org_a' });
      await admin.create({ orgId: 'org_b' });
      return admin.list({ orgId: 'org_b' });
    });
    expect(keys.map((key) => key.orgId)).toEqual(['org_b']);
  });

  it('revokes a key once', async () => {
    const outcome = await withApiKeyAdmin(databasePath, { create: true }, async (admin) => {
      const created = await admin.create({ orgId: 'org_a' });
      const first = await admin.revoke(created.key.id);
      const second = await admin.revoke(created.key.id);
      return { first, second };
    });
    expect(outcome.first.alreadyRevoked).toBe(false);
    expect(outcome.second.alreadyRevoked).toBe(true);
    expect(outcome.second.key.revokedAt).toBe(outcome.first.key.revokedAt);
  });

  it('rejects revoking an unknown id', async () => {
    const attempt = withApiKeyAdmin(databasePath, { create: true }, (admin) => admin.revoke('key_unknown'));
    await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    ['an invalid orgId', { orgId: 'org acme' }, 'orgId'],
    ['an unknown scope', { orgId: 'org_a', scopes: ['events:delete'] }, 'scopes'],
    ['no scopes', { orgId: 'org_a', scopes: [] }, 'scopes'],
    ['an empty name', { orgId: 'org_a', name: '' }, 'name'],
    ['a past expiry', { orgId: 'org_a', expiresAt: new Date(Date.now() - 1000) }, 'expiresAt'],
  ])('rejects %s', async (_name, request, field) => {
    const attempt = withApiKeyAdmin(databasePath, { create: true }, (admin) => admin.create(request as never));
    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).details?.[0]?.field).toBe(field);
  });

  it('refuses a missing file unless creating', async () => {
    await expect(withApiKeyAdmin(databasePath, { create: false }, (admin) => admin.list())).rejects.toThrow(/no database file/);
  });
});

describe('ApiKeyAuthenticator', () => {
  let folder: string;
  let admin: ApiKeyAdmin;
  let authenticator: ApiKeyAuthenticator;
  let now: number;
  const connections: Array<{ close(): void }> = [];

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'ledger-keys-'));
    now = Date.now();
    const writer = openSqlite(join(folder, 'events.db'), { role: 'writer' });
    await runMigrations(writer);
    const reader = openSqlite(join(folder, 'events.db'), { role: 'reader' });
    connections.push(writer, reader);
    admin = ApiKeyAdmin.forConnection(writer, () => new Date(now));
    authenticator = new ApiKeyAuthenticator(reader, () => now);
  });

  afterEach(() => {
    for (const connection of connections.splice(0)) connection.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('returns the caller of a valid key', async () => {
    const created = await admin.create({ orgId: 'org_a', scopes: ['events:read'] });
    expect(authenticator.authenticate(`Bearer ${created.secret}`)).toEqual({ orgId: 'org_a', keyId: created.key.id, scopes: ['events:read'] });
  });

  it('sees a key written by another connection at once', async () => {
    const created = await admin.create({ orgId: 'org_a' });
    await admin.revoke(created.key.id);
    expect(() => authenticator.authenticate(`Bearer ${created.secret}`)).toThrow(/revoked/);
  });

  it('rejects a key at its expiry time', async () => {
    const created = await admin.create({ orgId: 'org_a', expiresAt: new Date(now + 60_000) });
    now += 59_999;
    expect(authenticator.authenticate(`Bearer ${created.secret}`).orgId).toBe('org_a');
    now += 1;
    expect(() => authenticator.authenticate(`Bearer ${created.secret}`)).toThrow(/expired/);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['a Basic header', 'Basic abc'],
    ['a bearer without key', 'Bearer '],
    ['a key with extra text', 'Bearer sk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA extra'],
    ['a key of another format', `Bearer pk_${'A'.repeat(43)}`],
  ])('rejects %s', (_name, header) => {
    expect(() => authenticator.authenticate(header)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }));
  });
});

describe('key option parsing', () => {
  it('parses a scope list', () => {
    expect(parseScopeList('events:read, events:write')).toEqual(['events:read', 'events:write']);
  });

  it('rejects an unknown scope', () => {
    expect(() => parseScopeList('events:read,admin')).toThrow(/unknown scopes admin/);
  });

  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['2w', 14 * 86_400_000],
  ])('parses the duration %s', (text, milliseconds) => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(parseExpiry(text, now).getTime() - now.getTime()).toBe(milliseconds);
  });

  it('parses an ISO date-time', () => {
    expect(parseExpiry('2027-01-31T12:00:00Z', new Date()).toISOString()).toBe('2027-01-31T12:00:00.000Z');
  });

  it('rejects free text', () => {
    expect(() => parseExpiry('next week', new Date())).toThrow(/--expires must be/);
  });
});
