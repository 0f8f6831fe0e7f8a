import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { allowable, allowedProtected, hooksDirIn, protectedReason } from './protectedPaths';

/** A path a model may write: its canonical absolute location and its repository-relative form (with `/`). */
export type ConfinedPath =
  | { ok: true; absolute: string; relative: string }
  /** `protected`: refused only because it is a protected place a person may allow (protectedPaths; never .git, .shipwright). */
  | { ok: false; reason: string; protected?: true };

/** Why a relative path is refused by its spelling alone, or undefined when it may be resolved. */
function refuseSpelling(rel: string): string | undefined {
  if (rel.includes('\0')) return 'the path contains a NUL byte';
  if (rel.trim() === '') return 'the path is empty';
  if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.startsWith('\\') || rel.startsWith('~')) return 'absolute paths are refused; give a path relative to the repository root';
  const segments = rel.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return 'the path names the repository root itself';
  if (segments.includes('..')) return '`..` segments are refused';
  return undefined;
}

/**
 * Confines an untrusted repository-relative path to the worktree (canonicalised here). Refuses NUL bytes,
 * absolute paths, `..`, the protected places (protectedPaths: git data, hook folders including the repository's
 * own `core.hooksPath`, `.shipwright` at any depth, CI workflows and merge-time files), and anything whose canonical location — the realpath of its
 * deepest existing ancestor (symlinks followed) plus the not-yet-existing rest — is outside `root` or in a
 * forbidden place. A dangling symlink on the way is refused: writing through it could land anywhere.
 * The result is meant to be used at once; the check cannot stop a concurrent process swapping in a symlink.
 * `allowProtected` (config `protectedPaths.allow`, a person's explicit decision) opens protected places by path,
 * spelled and canonical alike, never `.git` or `.shipwright` (allowedProtected). Never throws.
 */
export async function confinePath(worktreeRoot: string, rel: string, opts: { allowProtected?: readonly string[] } = {}): Promise<ConfinedPath> {
  const allow = opts.allowProtected ?? [];
  let root: string;
  try {
    root = await realpath(worktreeRoot);
  } catch {
    return { ok: false, reason: `the worktree ${worktreeRoot} does not exist` };
  }
  const refusedSpelling = refuseSpelling(rel);
  if (refusedSpelling !== undefined) return { ok: false, reason: refusedSpelling };
  const segments = rel.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  const spelledProtected = protectedReason(segments);
  if (spelledProtected !== undefined && !allowedProtected(segments, allow)) return { ok: false, reason: spelledProtected, ...(allowable(segments) ? { protected: true } : {}) };

  // Walk down from the root to find the deepest existing ancestor.
  let existing = root;
  let i = 0;
  for (; i < segments.length; i++) {
    const next = join(existing, segments[i]);
    try {
      await lstat(next);
    } catch {
      break;
    }
    existing = next;
  }
  let canonicalExisting: string;
  try {
    canonicalExisting = await realpath(existing);
  } catch {
    return { ok: false, reason: 'the path goes through a symlink that points nowhere' };
  }
  const absolute = join(canonicalExisting, ...segments.slice(i));
  const fromRoot = relative(root, absolute);
  if (fromRoot === '' || fromRoot.startsWith('..') || isAbsolute(fromRoot)) {
    return { ok: false, reason: 'the path resolves outside the worktree (through a symlink)' };
  }
  const canonicalSegments = fromRoot.split(sep);
  const refusedCanonical = protectedReason(canonicalSegments, await hooksDirIn(root));
  if (refusedCanonical !== undefined && !allowedProtected(canonicalSegments, allow)) {
    return { ok: false, reason: `${refusedCanonical} (the path resolves to ${canonicalSegments.join('/')})`, ...(allowable(canonicalSegments) && allowable(segments) ? { protected: true } : {}) };
  }
  return { ok: true, absolute, relative: canonicalSegments.join('/') };
}
