import type { IncomingMessage } from 'node:http';
import { ApiError } from '../../../contracts';

/** How much of an oversized body is read and discarded so the client sees the 413 instead of a reset. */
const maxDrainBytes = 64 * 1024 * 1024;
const maxDrainMs = 10_000;

/** Result of reading a body: its bytes, or the reason it was not read whole. */
export type BodyReadResult = { ok: true; bytes: Buffer } | { ok: false; error: ApiError; closeConnection: boolean };

/**
 * Reads the request body from the Node request stream, up to `maxBytes`. A body over the
 * limit gives a 413, whether Content-Length announces it or a chunked body exceeds it. The rest
 * of such a body is read and discarded (up to 64 MiB or 10 s), so the client gets the response
 * before the connection closes.
 */
export async function readRequestBody(incoming: IncomingMessage, maxBytes: number): Promise<BodyReadResult> {
  const declared = incoming.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    const closeConnection = !(await drain(incoming, 0));
    return { ok: false, error: tooLarge(maxBytes), closeConnection };
  }

  const body = await collect(incoming, maxBytes);
  if (body === 'aborted') {
    return { ok: false, error: new ApiError('INVALID_JSON', 'the client closed the connection before the body was complete'), closeConnection: true };
  }
  if (body === 'too-large') {
    const closeConnection = !(await drain(incoming, maxBytes));
    return { ok: false, error: tooLarge(maxBytes), closeConnection };
  }
  return { ok: true, bytes: body };
}

/** Collects the body with stream events, which cost less per request than async iteration. */
function collect(incoming: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large' | 'aborted'> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (result: Buffer | 'too-large' | 'aborted') => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onAborted);
      incoming.off('aborted', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    const onAborted = () => finish('aborted');
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onAborted);
    incoming.once('aborted', onAborted);
  });
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `the request body is larger than the limit of ${maxBytes} bytes; send a smaller event`);
}

/** Reads and discards the rest of the body; returns false when it gave up and the socket must close. */
function drain(incoming: IncomingMessage, alreadyRead: number): Promise<boolean> {
  if (incoming.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let discarded = alreadyRead;
    const timer = setTimeout(() => finish(false), maxDrainMs);
    const onData = (chunk: Buffer) => {
      discarded += chunk.length;
      if (discarded > maxDrainBytes) finish(false);
    };
    const finish = (complete: boolean) => {
      clearTimeout(timer);
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      if (!complete) incoming.pause();
      resolve(complete);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onError);
    incoming.resume();
  });
}
