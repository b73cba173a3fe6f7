/**
 * The HTTP ceiling of the benchmark: bare Hono routes on `@hono/node-server`, the same stack the
 * ledger serves on, doing only what any JSON API must do.
 *
 * - `POST /events` parses the JSON body and responds 201 with a JSON envelope of about the size
 *   the ledger returns (the body plus an id and a timestamp).
 * - `GET /static/{bytes}` responds 200 with a constant JSON body of exactly `bytes` bytes.
 *
 * Listens on 127.0.0.1 at a free port and logs `{"msg":"ceiling server listening","url":...}`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const maxStaticBytes = 16 * 1024 * 1024;
const staticBodies = new Map<number, string>();
const app = new Hono();
let sequence = 0;

app.post('/events', async (c) => {
  const body: unknown = await c.req.json();
  sequence += 1;
  const data = { id: `evt_${String(sequence).padStart(26, '0')}`, ...(body as object), timestamp: new Date().toISOString() };
  return c.body(JSON.stringify({ success: true, data }), 201, { 'content-type': 'application/json; charset=utf-8' });
});

app.get('/static/:bytes', (c) => {
  const bytes = Number(c.req.param('bytes'));
  if (!Number.isSafeInteger(bytes) || bytes < 16 || bytes > maxStaticBytes) {
    return c.text(`bytes must be an integer from 16 to ${maxStaticBytes}, got ${c.req.param('bytes')}`, 400);
  }
  return c.body(staticBody(bytes), 200, { 'content-type': 'application/json; charset=utf-8' });
});

/** Builds `{"data":"xxx…"}` padded to exactly `bytes` bytes. */
function staticBody(bytes: number): string {
  let body = staticBodies.get(bytes);
  if (body === undefined) {
    const frame = '{"data":""}';
    body = `{"data":"${'x'.repeat(bytes - frame.length)}"}`;
    staticBodies.set(bytes, body);
  }
  return body;
}

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => {
  process.stdout.write(`${JSON.stringify({ msg: 'ceiling server listening', url: `http://127.0.0.1:${info.port}` })}\n`);
});

// The server keeps no state, so a stop signal may end it at once, open connections included.
process.once('SIGTERM', () => process.exit(0));
process.once('SIGINT', () => process.exit(0));
