import type { ChangedFile } from '../core/ports/approvalPort';

/**
 * How the CLI shows one changed file to the person who approves it: `status path +added/-removed` (line counts),
 * then one `  ! look before approving: <flag>` line per review flag (hidden or bidi characters, control bytes, a
 * changed `.gitattributes`; see reviewFlags). The words carry the warning, so it reads the same without colour.
 */
export function fileLines(f: ChangedFile): string[] {
  return [`${f.status.padEnd(9)} ${f.path} +${f.added}/-${f.removed}`, ...(f.flags ?? []).map((flag) => `          ! look before approving: ${flag}`)];
}
