import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook receiver on 127.0.0.1 that responds 200 to every delivery. */
export interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

/** Starts a receiver so that workflow runs succeed without any traffic leaving the machine. */
export function startWebhookReceiver(): Promise<WebhookReceiver> {
  return new Promise((resolve) => {
    const server: Server = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}/hook`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}
