import { findHidden } from '../prompts/encodeValue';

/** C0 control bytes other than tab, line feed and carriage return, and DEL: a NUL makes git call a file binary. */
const CONTROL_BYTES = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/**
 * Flags for a person approving one changed file (repository-relative `path`, its new bytes, or null when
 * deleted): a `.gitattributes` change (a `-diff`, `binary` or `linguist-generated` line hides a file's change from
 * review; a `filter`/`merge` driver runs code), control bytes (git shows "Binary files differ" and hides the
 * change; Shipwright's diffs use `--text`), hidden or bidi characters (Trojan Source, CVE-2021-42574) with their
 * lines. Empty when nothing is worth a look.
 */
export function reviewFlags(path: string, bytes: Buffer | null): string[] {
  const flags: string[] = [];
  const name = path.split('/').pop()?.toLowerCase() ?? '';
  if (name === '.gitattributes') flags.push('changes .gitattributes, which decides how git diffs, merges and filters files (a `-diff` or `binary` line hides changes from review)');
  if (bytes === null) return flags;
  const text = bytes.toString('utf8');
  const control = CONTROL_BYTES.exec(text);
  if (control !== null) {
    const line = text.slice(0, control.index).split('\n').length;
    flags.push(`contains control bytes (first: 0x${control[0].charCodeAt(0).toString(16).padStart(2, '0')} on line ${line}): git would call it binary and hide the change; it is shown as text`);
  }
  const hidden = findHidden(text);
  if (hidden.length > 0) flags.push(`contains invisible or bidirectional characters that make code read differently from what it does: ${hidden.map((h) => `${h.code} on line ${h.line}`).join(', ')}`);
  return flags;
}
