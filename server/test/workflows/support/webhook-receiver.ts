import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the receiver got. */
export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** Reply of the receiver to a delivery; `hang` never responds. */
export type ReceiverReply = { status: number; headers?: Record<string, string>; delayMs?: number } | 'hang';

/** Decides the reply; `index` counts deliveries from 0 across the receiver's lifetime. */
export type ReplyPolicy = (delivery: Delivery, index: number) => ReceiverReply;

/** A local HTTP server on 127.0.0.1 that records webhook deliveries. */
export interface WebhookReceiver {
  /** Base URL such as `http://127.0.0.1:41234`. */
  origin: string;
  deliveries: Delivery[];
  /** Requests received whose reply was not sent yet. */
  inFlight(): number;
  setReply(policy: ReplyPolicy): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free port; by default every delivery gets 200 at once. */
export async function startWebhookReceiver(policy: ReplyPolicy = () => ({ status: 200 })): Promise<WebhookReceiver> {
  let reply = policy;
  let pending = 0;
  const deliveries: Delivery[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const answer = (response: ServerResponse, decided: Exclude<ReceiverReply, 'hang'>) => {
    const send = () => {
      pending -= 1;
      if (!response.destroyed) {
        response.writeHead(decided.status, decided.headers ?? {});
        response.end('ok');
      }
    };
    if (decided.delayMs === undefined) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, decided.delayMs);
    timers.add(timer);
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const delivery = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      const index = deliveries.length;
      deliveries.push(delivery);
      pending += 1;
      const decided = reply(delivery, index);
      if (decided !== 'hang') answer(response, decided);
      else response.on('close', () => (pending -= 1));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    deliveries,
    inFlight: () => pending,
    setReply: (next) => {
      reply = next;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
