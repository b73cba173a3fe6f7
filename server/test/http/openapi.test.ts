import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { oas31 } from 'zod-openapi';
import { errorCodes } from '../../../contracts';
import packageJson from '../../../package.json' with { type: 'json' };
import type { AppEnv } from '../../src/http/app-env';
import { registerDocsRoutes } from '../../src/http/docs/register-docs-routes';
import { apiKeySecurityScheme, buildApiDocument } from '../../src/http/openapi/build-api-document';
import { referenceRequestBody } from '../support/api-helpers';
import { startTestServer, type TestServer } from '../support/start-test-server';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const redoclyCli = join(createRequire(import.meta.url).resolve('@redocly/cli/package.json'), '..', 'bin', 'cli.js');
const methods = ['get', 'put', 'post', 'delete', 'patch'] as const;

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; required?: string[]; $ref?: string };

let server: TestServer;
let document: oas31.OpenAPIObject;
let folder: string;

beforeAll(async () => {
  server = await startTestServer();
  folder = mkdtempSync(join(tmpdir(), 'openapi-test-'));
  const response = await fetch(`${server.url}/openapi.json`);
  expect(response.status).toBe(200);
  document = (await response.json()) as oas31.OpenAPIObject;
});

afterAll(async () => {
  await server?.stop();
  if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
});

function operations(doc: oas31.OpenAPIObject): Array<{ name: string; operation: oas31.OperationObject }> {
  const found: Array<{ name: string; operation: oas31.OperationObject }> = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const operation = item[method];
      if (operation !== undefined) found.push({ name: `${method.toUpperCase()} ${path}`, operation });
    }
  }
  return found;
}

function operation(method: (typeof methods)[number], path: string): oas31.OperationObject {
  const found = document.paths?.[path]?.[method];
  if (found === undefined) throw new Error(`the document has no ${method.toUpperCase()} ${path}`);
  return found;
}

function jsonSchema(response: unknown): Schema {
  return (response as oas31.ResponseObject).content?.['application/json']?.schema as Schema;
}

function component(name: string): Schema {
  return document.components?.schemas?.[name] as Schema;
}

/** Runs `redocly lint` on `doc` and returns its JSON report. */
async function lint(doc: oas31.OpenAPIObject, fileName: string): Promise<{ totals: { errors: number; warnings: number }; problems: unknown[] }> {
  const file = join(folder, fileName);
  writeFileSync(file, JSON.stringify(doc));
  const args = [redoclyCli, 'lint', '--config', join(repositoryRoot, 'redocly.yaml'), '--format', 'json', file];
  // Telemetry and the update check would contact Redocly and npm; both stay off.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' };
  const stdout = await new Promise<string>((resolve, reject) => {
    // redocly exits with 1 when it finds errors, and the JSON report on stdout lists them.
    execFile(process.execPath, args, { env, cwd: repositoryRoot, timeout: 60_000 }, (error, out) => {
      if (out.trim().startsWith('{')) resolve(out);
      else reject(error ?? new Error(`redocly printed no JSON report: ${out}`));
    });
  });
  return JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: unknown[] };
}

describe('GET /openapi.json', () => {
  it('serves an OpenAPI 3.1 document', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('describes info, servers and tags', () => {
    expect(document.info.title).toBe('Event Ledger API');
    expect(document.info.version).toBe(packageJson.version);
    expect(document.info.description?.length).toBeGreaterThan(0);
    expect(document.servers).toEqual([{ url: '/' }]);
    expect(document.tags?.length).toBeGreaterThan(0);
    for (const tag of document.tags ?? []) expect(tag.description, `tag ${tag.name}`).toBeTruthy();
  });

  it('gives every operation summary and description', () => {
    const all = operations(document);
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const { name, operation: op } of all) {
      expect(op.summary, `${name} summary`).toBeTruthy();
      expect(op.description, `${name} description`).toBeTruthy();
    }
  });

  it('answers publish with 201 envelope', () => {
    const responses = operation('post', '/events').responses ?? {};
    expect(responses['200']).toBeUndefined();
    const envelope = jsonSchema(responses['201']);
    expect(envelope.required).toEqual(['success', 'data']);
    expect(envelope.properties?.success).toMatchObject({ const: true });
    const data = envelope.properties?.data;
    const eventFields = Object.keys(component('Event').properties ?? {});
    expect(eventFields).toEqual(['id', 'type', 'actor', 'payload', 'orgId', 'timestamp']);
    expect(Object.keys(data?.properties ?? {})).toEqual(expect.arrayContaining(eventFields));
    expect(data?.required).toEqual(component('Event').required);
  });

  it('wraps reads in success envelope', () => {
    const envelope = jsonSchema(operation('get', '/events/{id}').responses?.['200']);
    expect(envelope.properties?.success).toMatchObject({ const: true });
    expect(envelope.properties?.data?.$ref).toBe('#/components/schemas/Event');
    const page = jsonSchema(operation('get', '/events').responses?.['200']);
    expect(page.properties?.data?.$ref).toBe('#/components/schemas/EventPage');
  });

  it('describes every error with error envelope', () => {
    for (const { name, operation: op } of operations(document)) {
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        if (Number(status) < 400) continue;
        expect(jsonSchema(response).$ref, `${name} ${status}`).toBe('#/components/schemas/ErrorResponse');
      }
    }
  });

  it('defines error envelope with every code', () => {
    const envelope = component('ErrorResponse');
    expect(envelope.properties?.success).toMatchObject({ const: false });
    const error = envelope.properties?.error;
    expect(error?.required).toEqual(['code', 'message', 'requestId']);
    expect(error?.properties?.code?.enum).toEqual(Object.keys(errorCodes));
    expect(Object.keys(error?.properties ?? {})).toEqual(['code', 'message', 'details', 'requestId']);
    expect(Object.keys(component('FieldProblem').properties ?? {})).toEqual(['field', 'message']);
  });

  it('lists body, rate and server errors', () => {
    const publish = Object.keys(operation('post', '/events').responses ?? {});
    expect(publish).toEqual(expect.arrayContaining(['400', '413', '415', '422', '429', '500']));
    const get = Object.keys(operation('get', '/events/{id}').responses ?? {});
    expect(get).toEqual(expect.arrayContaining(['400', '404', '429', '500']));
    expect(get).not.toContain('413');
    expect(get).not.toContain('415');
  });

  it('declares no authentication when off', () => {
    expect(document.components?.securitySchemes).toBeUndefined();
    expect(Object.keys(operation('get', '/events').responses ?? {})).not.toContain('401');
  });

  it('declares idempotency and location headers', () => {
    const publish = operation('post', '/events');
    expect(publish.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(document.components?.parameters?.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
    const headers = (publish.responses?.['201'] as oas31.ResponseObject).headers ?? {};
    expect(Object.keys(headers)).toEqual(expect.arrayContaining(['x-request-id', 'Location', 'Idempotent-Replayed']));
    const getHeaders = (operation('get', '/events/{id}').responses?.['200'] as oas31.ResponseObject).headers ?? {};
    expect(Object.keys(getHeaders)).toEqual(['x-request-id']);
  });

  it('keeps query parameter descriptions', () => {
    for (const parameter of operation('get', '/events').parameters ?? []) {
      const { name, description } = parameter as oas31.ParameterObject;
      expect(description, `parameter ${name}`).toBeTruthy();
    }
  });

  it('matches live publish responses', async () => {
    const created = await fetch(`${server.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: referenceRequestBody });
    const publish = operation('post', '/events');
    expect(Object.keys(publish.responses ?? {})).toContain(String(created.status));
    const body = (await created.json()) as { success: boolean; data: Record<string, unknown> };
    const envelope = jsonSchema(publish.responses?.[String(created.status)]);
    expect(Object.keys(body)).toEqual(envelope.required);
    expect(Object.keys(body.data)).toEqual(expect.arrayContaining(component('Event').required ?? []));
    expect(created.headers.get('location')).toBe(`/events/${String(body.data.id)}`);
    expect(created.headers.get('x-request-id')).toBeTruthy();
  });

  it('matches live error responses', async () => {
    const rejected = await fetch(`${server.url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": 5}' });
    expect(Object.keys(operation('post', '/events').responses ?? {})).toContain(String(rejected.status));
    const body = (await rejected.json()) as { success: boolean; error: Record<string, unknown> };
    const errorSchema = component('ErrorResponse').properties?.error;
    expect(body.success).toBe(false);
    for (const key of Object.keys(body.error)) expect(Object.keys(errorSchema?.properties ?? {}), `field ${key}`).toContain(key);
    expect(errorSchema?.properties?.code?.enum).toContain(body.error.code);
  });

  it('builds document only once', async () => {
    const built: oas31.OpenAPIObject[] = [];
    const app = new Hono<AppEnv>();
    registerDocsRoutes(app, { logger: pino({ level: 'silent' }) }, {
      buildDocument: () => {
        const doc = buildApiDocument();
        built.push(doc);
        return doc;
      },
    });
    const [first, concurrent] = await Promise.all([app.request('/openapi.json'), app.request('/openapi.json')]);
    const later = await app.request('/openapi.json');
    expect(first.status).toBe(200);
    expect(concurrent.status).toBe(200);
    expect(later.status).toBe(200);
    expect(built).toHaveLength(1);
    const text = await first.text();
    expect(await concurrent.text()).toBe(text);
    expect(await later.text()).toBe(text);
  });

  it('passes redocly lint without errors', async () => {
    const report = await lint(document, 'served.json');
    expect(report.totals.errors, JSON.stringify(report.problems, null, 2)).toBe(0);
  });
});

describe('buildApiDocument with API keys', () => {
  const secured = buildApiDocument({ securitySchemes: { apiKey: apiKeySecurityScheme } });

  it('requires the bearer scheme everywhere', () => {
    expect(secured.components?.securitySchemes?.apiKey).toEqual(apiKeySecurityScheme);
    for (const { name, operation: op } of operations(secured)) {
      expect(op.security, name).toEqual([{ apiKey: [] }]);
      expect(Object.keys(op.responses ?? {}), name).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('passes redocly lint without errors', async () => {
    const report = await lint(secured, 'secured.json');
    expect(report.totals.errors, JSON.stringify(report.problems, null, 2)).toBe(0);
  });
});
