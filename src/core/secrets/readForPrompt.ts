import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { confinePath } from '../workspace/confinePath';
import { redactSecrets } from './redactSecrets';
import { DEFAULT_SECRET_FILES, isSecretPath } from './secretPaths';

/** A file's text for a prompt, or why it is not shown (`missing` when it does not exist yet). */
export type PromptFile =
  | { ok: true; relative: string; text: string; redacted: number }
  | { ok: false; relative: string; missing: boolean; reason: string };

/** What the reader refuses: secret files by these globs (config `secretFiles`), and values redacted from every text. */
export interface SecretPolicy {
  patterns: readonly string[];
  /** Exact values of the worktree's secret files (see secretValues), redacted wherever they appear. */
  values: readonly string[];
}

/**
 * The one place a repository file is read for a prompt (file context, needFiles, files a diagnosis or a failing
 * log names, repository-map symbols). The path is untrusted: it is confined to the worktree (confinePath), then
 * refused when the requested path or its canonical location (through symlinks) is a secret file by
 * `policy.patterns`, or when the file has other hard links (it may be a secret file under another name). The
 * text read is redacted (known credential shapes, and the exact values of the worktree's secret files).
 * Never throws.
 */
export async function readForPrompt(worktreeRoot: string, rel: string, policy: SecretPolicy): Promise<PromptFile> {
  const confined = await confinePath(worktreeRoot, rel);
  if (!confined.ok) return { ok: false, relative: rel, missing: false, reason: confined.reason };
  if (isSecretPath(rel, policy.patterns) || isSecretPath(confined.relative, policy.patterns)) {
    return { ok: false, relative: confined.relative, missing: false, reason: 'a file that holds secrets (config `secretFiles`) is never sent to a model' };
  }
  let text: string;
  try {
    const st = await stat(confined.absolute);
    if (!st.isFile()) return { ok: false, relative: confined.relative, missing: false, reason: 'not a regular file' };
    if (st.nlink > 1) return { ok: false, relative: confined.relative, missing: false, reason: 'the file has other hard links (it may be a secret file under another name)' };
    text = await readFile(confined.absolute, 'utf8');
  } catch {
    return { ok: false, relative: confined.relative, missing: true, reason: 'does not exist yet' };
  }
  const clean = redactSecrets(text, process.env, policy.values);
  return { ok: true, relative: confined.relative, text: clean.text, redacted: clean.redacted };
}

/** Folders never searched for secret files (dependencies, git's data). */
const SKIP = new Set(['node_modules', '.git', '.venv', 'venv', 'vendor', 'target', 'dist', 'build']);

/** One `NAME=value` line of a secret file: the file (repository-relative), the name, and the value unquoted. */
export interface SecretEntry {
  path: string;
  name: string;
  value: string;
}

/**
 * The values held by the worktree's secret files (found by `patterns` in the top two folder levels): the
 * right-hand side of each `NAME=value` / `NAME: value` line, unquoted, 8 characters or more. Redacting these
 * exact values also catches a secret copied into an innocent-looking file or printed by a test.
 */
export async function secretValues(worktreeRoot: string, patterns: readonly string[] = DEFAULT_SECRET_FILES): Promise<string[]> {
  return [...new Set((await secretEntries(worktreeRoot, patterns)).map((e) => e.value))];
}

/** {@link secretValues} with where each value comes from (file and name). Never throws (unreadable files are skipped). */
export async function secretEntries(worktreeRoot: string, patterns: readonly string[] = DEFAULT_SECRET_FILES): Promise<SecretEntry[]> {
  const entries: SecretEntry[] = [];
  const visit = async (dir: string, rel: string, depth: number): Promise<void> => {
    const found = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of found) {
      const childRel = rel === '' ? e.name : `${rel}/${e.name}`;
      const abs = join(dir, e.name);
      if (e.isDirectory() && !SKIP.has(e.name) && depth < 1) await visit(abs, childRel, depth + 1);
      if (!isSecretPath(childRel, patterns)) continue;
      const st = await lstat(abs).catch(() => undefined);
      if (st === undefined || !st.isFile() || st.size > 256 * 1024) continue;
      const text = await readFile(abs, 'utf8').catch(() => '');
      for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*(.+?)\s*$/gm)) {
        const v = m[2].replace(/^(['"])(.*)\1$/, '$2');
        if (v.length >= 8) entries.push({ path: childRel, name: m[1], value: v });
      }
    }
  };
  await visit(worktreeRoot, '', 0);
  return entries;
}
