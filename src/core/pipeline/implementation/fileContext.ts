import { readFile } from 'node:fs/promises';
import { confinePath } from '../../workspace/confinePath';
import { trimOutput } from '../../workspace/trimOutput';

/** Characters of file content a session receives in all, and per file (head and tail kept); ~4 chars a token. */
export const FILES_BUDGET_CHARS = 48_000;
export const FILE_BUDGET_CHARS = 16_000;

/**
 * The named files as prompt text, each under a `=== path ===` header: the current content (trimmed to its
 * budget), `(does not exist yet)`, or why it cannot be shown (a path outside the worktree). Paths are untrusted
 * (from the plan or a model's needFiles) and confined first. Duplicates are shown once; files past the total
 * budget are only named.
 */
export async function fileContext(worktreePath: string, paths: readonly string[]): Promise<string> {
  const parts: string[] = [];
  let used = 0;
  for (const path of [...new Set(paths)]) {
    const confined = await confinePath(worktreePath, path);
    if (!confined.ok) {
      parts.push(`=== ${path} ===\n(not shown: ${confined.reason})`);
      continue;
    }
    let text: string;
    try {
      text = await readFile(confined.absolute, 'utf8');
    } catch {
      parts.push(`=== ${confined.relative} ===\n(does not exist yet)`);
      continue;
    }
    const shown = trimOutput(text, FILE_BUDGET_CHARS);
    if (used + shown.length > FILES_BUDGET_CHARS) {
      parts.push(`=== ${confined.relative} ===\n(not shown: the files budget of ${FILES_BUDGET_CHARS} characters is used up; ask for it in needFiles if you need it)`);
      continue;
    }
    used += shown.length;
    parts.push(`=== ${confined.relative} (${text.split('\n').length} lines) ===\n${shown}`);
  }
  return parts.length > 0 ? parts.join('\n\n') : '(no files)';
}
