import { verifyChain, type VerifyChainOptions, type VerifyResult } from './ledger/verify-chain';
import { openLedgerForVerification } from './storage/sqlite/open-ledger-for-verification';

/**
 * Verifies every hash and link of the ledger database at `path`, read-only, without starting a
 * writer, so it may run while a server uses the file.
 *
 * @throws LedgerFileError when the file is missing or is not a ledger database.
 */
export async function verifyLedgerFile(path: string, options: VerifyChainOptions = {}): Promise<VerifyResult> {
  const ledger = openLedgerForVerification(path);
  try {
    return await verifyChain(ledger, options);
  } finally {
    ledger.close();
  }
}

/**
 * Formats a verification result as one line: `ok: <n> events, <k> organisations, head <hash>`,
 * or the sequence, event id, organisation and reason of the first break.
 */
export function formatVerifyResult(result: VerifyResult): string {
  if (result.ok) {
    const counts = `${count(result.events, 'event')}, ${count(result.organisations, 'organisation')}`;
    return `ok: ${counts}, head ${result.head ?? 'none (the ledger is empty)'}`;
  }
  return (
    `chain broken at seq ${result.seq}, event ${result.eventId}, organisation ${result.orgId}: ${result.reason} ` +
    `(${count(result.events, 'event')} verified before it)`
  );
}

function count(value: number, noun: string): string {
  return `${value} ${noun}${value === 1 ? '' : 's'}`;
}
