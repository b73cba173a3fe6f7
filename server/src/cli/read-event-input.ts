import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { CliError } from './cli-error';

/** Sources of the event for `publish`: the argument, `--file`, or stdin when both are missing. */
export interface EventSource {
  argument?: string;
  /** A file path, or `-` for stdin. */
  file?: string;
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/**
 * Reads the event JSON from exactly one source and parses it. The result is not validated here,
 * because the server validates every event and reports each failing field.
 */
export async function readEventInput(source: EventSource): Promise<unknown> {
  const stdin = source.stdin ?? process.stdin;
  if (source.argument !== undefined && source.file !== undefined) {
    throw new CliError('the event was given both as an argument and with --file; pass only one of them');
  }
  if (source.argument !== undefined) return parseEvent(source.argument, 'the argument');
  if (source.file !== undefined && source.file !== '-') return parseEvent(await readEventFile(source.file), source.file);
  if (source.file === undefined && stdin.isTTY === true) {
    throw new CliError('no event given: pass the event JSON as an argument, with --file <path>, or on stdin');
  }
  return parseEvent(await text(stdin), 'stdin');
}

async function readEventFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot read the event file ${file}: ${reason}`);
  }
}

function parseEvent(json: string, origin: string): unknown {
  if (json.trim() === '') throw new CliError(`the event from ${origin} is empty; expected a JSON object with type, actor, payload and orgId`);
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`the event from ${origin} is not valid JSON: ${reason}`);
  }
}
