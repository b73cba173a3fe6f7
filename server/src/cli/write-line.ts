import { once } from 'node:events';

/**
 * Writes `text` and a newline to `stream`, waiting for the `drain` event when the stream's buffer
 * is full, so long outputs such as `list --all` keep memory bounded.
 */
export async function writeLine(text: string, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (!stream.write(`${text}\n`)) await once(stream, 'drain');
}
