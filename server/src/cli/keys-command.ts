import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError } from '../../../contracts';
import type { ApiKeyAdmin } from '../auth/api-key-admin';
import { formatApiKeyTable } from '../auth/format-api-keys';
import { MissingDatabaseError, withApiKeyAdmin } from '../auth/open-api-key-admin';
import { parseExpiry, parseScopeList } from '../auth/parse-key-options';
import { apiScopes, type ApiScope } from '../ledger/caller';
import { CliError } from './cli-error';
import { writeLine } from './write-line';

const defaultDatabasePath = 'data/events.db';

interface DatabaseOptions {
  database: string;
}

interface CreateOptions extends DatabaseOptions {
  org: string;
  scopes?: ApiScope[];
  name?: string;
  expires?: Date;
  json?: boolean;
}

interface ListOptions extends DatabaseOptions {
  org?: string;
  json?: boolean;
}

/**
 * `keys`: creates, lists and revokes API keys in the database file directly, also while a server
 * runs on it. The server accepts a new key and rejects a revoked one from its next request on.
 */
export function keysCommand(): Command {
  return new Command('keys')
    .summary('create, list and revoke API keys')
    .description(
      'Create, list and revoke API keys in the ledger database file. It works on the file directly, also while the server runs; ' +
        'the server accepts a new key and rejects a revoked one from its next request on.',
    )
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(revokeCommand());
}

function databaseOption(): Option {
  return new Option('--database <path>', 'SQLite database file of the server').env('DATABASE_PATH').default(defaultDatabasePath);
}

function createCommand(): Command {
  return new Command('create')
    .summary('create a key and print it once')
    .description('Create an API key for one organisation. The key is printed once on stdout and only its SHA-256 hash is stored; details go to stderr.')
    .requiredOption('--org <orgId>', 'organisation the key acts for, such as org_acme_123')
    .option('--scopes <scopes>', `comma-separated scopes (default: ${apiScopes.join(',')})`, wrapArgumentError(parseScopeList))
    .option('--name <name>', 'display name shown by keys list, such as "billing service"')
    .option('--expires <when>', 'expiry: a duration such as 30d, 12h or 2w, or an ISO 8601 time (default: never)', wrapArgumentError((text) => parseExpiry(text, new Date())))
    .option('--json', 'print the key and its details as one JSON object on stdout')
    .addOption(databaseOption())
    .action(async (options: CreateOptions) => {
      const created = await run(options, true, (admin) =>
        admin.create({ orgId: options.org, scopes: options.scopes, name: options.name, expiresAt: options.expires }),
      );
      if (options.json) {
        await writeLine(JSON.stringify({ ...created.key, key: created.secret }));
        return;
      }
      const { key } = created;
      process.stderr.write(
        `created ${key.id} for ${key.orgId} with scopes ${key.scopes.join(',')}, expires ${key.expiresAt ?? 'never'}\n` +
          'the key below is shown only this once; store it in a secret manager\n',
      );
      await writeLine(created.secret);
    });
}

function listCommand(): Command {
  return new Command('list')
    .summary('list keys without their secrets')
    .description('List API keys, oldest first, with their organisation, status, scopes and times. Secrets are never stored, so they cannot be listed.')
    .option('--org <orgId>', 'only keys of this organisation')
    .option('--json', 'print the keys as a JSON array')
    .addOption(databaseOption())
    .action(async (options: ListOptions) => {
      const keys = await run(options, false, (admin) => admin.list(options.org === undefined ? {} : { orgId: options.org }));
      if (options.json) await writeLine(JSON.stringify(keys));
      else if (keys.length === 0) process.stderr.write('no API keys\n');
      else await writeLine(formatApiKeyTable(keys, new Date()));
    });
}

function revokeCommand(): Command {
  return new Command('revoke')
    .summary('revoke a key at once')
    .description('Revoke an API key: from the next request on, the server answers 401 to it. Revoked keys stay listed.')
    .argument('<id>', 'id of the key, such as key_01jh7y3k8m2q9r4t5v6w7x8y9z')
    .addOption(databaseOption())
    .action(async (id: string, options: DatabaseOptions) => {
      const { key, alreadyRevoked } = await run(options, false, (admin) => admin.revoke(id));
      const state = alreadyRevoked ? 'was already revoked' : 'revoked';
      await writeLine(`${key.id} of ${key.orgId} ${state} at ${key.revokedAt}`);
    });
}

/** Runs key management on the database file and turns expected failures into CliErrors. */
async function run<Result>(options: DatabaseOptions, create: boolean, work: (admin: ApiKeyAdmin) => Promise<Result>): Promise<Result> {
  // An empty DATABASE_PATH means the default, as it does for the server.
  const path = options.database === '' ? defaultDatabasePath : options.database;
  try {
    return await withApiKeyAdmin(path, { create }, work);
  } catch (error) {
    if (error instanceof ApiError || error instanceof MissingDatabaseError) throw new CliError(error.message);
    throw error;
  }
}

function wrapArgumentError<Value>(parse: (text: string) => Value): (text: string) => Value {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
    }
  };
}
