import type { LedgerRecord } from './ledgerRecord';

/**
 * Whether a billed call ran on this machine: its record's `local` (set from runsLocally when the call was made),
 * or, in records written before that field, whether it went to Ollama. Free of provider imports on purpose: the
 * panel's bundle uses it through costLedger.
 */
export function isLocalCall(rec: Pick<LedgerRecord, 'provider' | 'local'>): boolean {
  return rec.local ?? rec.provider === 'ollama';
}
