import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileEdit } from '../deliverables/fileEdits';
import type { Objection } from '../pipeline/objection';
import { closestLines } from './closestLines';
import { confinePath } from './confinePath';

/** What applying a batch did. When `objections` is not empty nothing at all was written. */
export interface ApplyEditsResult {
  ok: boolean;
  /** Repository-relative paths written (created or changed) and deleted. */
  written: string[];
  deleted: string[];
  /** Refused edits and search blocks that did not match (source `edit`, `where` = the path). */
  objections: Objection[];
  /** Paths refused only because they are protected places (confinePath `protected`): a person may allow them. */
  protectedPaths: string[];
}

/** A file's content as the batch has left it so far; null = deleted by the batch. */
type Pending = { rel: string; before: string | null; content: string | null };

/** One file the batch would change: repository-relative path, content before and after (null = no file). */
export interface PlannedChange {
  path: string;
  before: string | null;
  after: string | null;
}

/** Options: `check` sees the whole planned change before anything is written; its objections stop the batch. */
export interface ApplyEditsOptions {
  check?: (planned: PlannedChange[]) => Objection[] | Promise<Objection[]>;
  /** Protected paths a person allowed (config `protectedPaths.allow`; see confinePath). */
  allowProtected?: readonly string[];
}

/**
 * Applies a model's edits inside the worktree only. Every path is confined first (see confinePath); search
 * blocks are matched exactly, then ignoring line endings and trailing spaces; a block must match exactly once.
 * All edits are checked against the batch's own running state before anything is written, so a batch with
 * any refused or non-matching edit writes nothing. Whole-file writes create parent folders.
 * Never throws for a bad edit: problems come back as objections. (I/O errors while writing do throw.)
 */
export async function applyEdits(worktreePath: string, edits: FileEdit[], opts: ApplyEditsOptions = {}): Promise<ApplyEditsResult> {
  const objections: Objection[] = [];
  const pending = new Map<string, Pending>();
  const refuse = (path: string, message: string): void => void objections.push({ source: 'edit', where: path, message });
  const protectedPaths: string[] = [];

  for (const edit of edits) {
    const confined = await confinePath(worktreePath, edit.path, { allowProtected: opts.allowProtected });
    if (!confined.ok) {
      refuse(edit.path, `edit of \`${edit.path}\` refused: ${confined.reason}`);
      if (confined.protected === true) protectedPaths.push(edit.path);
      continue;
    }
    const { absolute, relative } = confined;
    const earlier = pending.get(absolute);
    const current = earlier !== undefined ? earlier.content : await readCurrent(absolute);
    if (current === 'directory') {
      refuse(edit.path, `\`${edit.path}\` is a folder, not a file`);
      continue;
    }
    const before = earlier !== undefined ? earlier.before : current;
    const plan = (content: string | null): void => void pending.set(absolute, { rel: relative, before, content });
    switch (edit.kind) {
      case 'write':
        plan(edit.content);
        break;
      case 'delete':
        if (current === null) refuse(edit.path, `cannot delete \`${edit.path}\`: no such file`);
        else plan(null);
        break;
      case 'replace': {
        if (current === null) {
          refuse(edit.path, `cannot search in \`${edit.path}\`: no such file (use a whole-file write to create it)`);
          break;
        }
        const replaced = replaceOnce(current, edit.search, edit.replace);
        if (typeof replaced === 'string') plan(replaced);
        else refuse(edit.path, describeMiss(edit.path, current, edit.search, replaced.matches));
        break;
      }
    }
  }

  if (objections.length === 0 && opts.check !== undefined) {
    objections.push(...(await opts.check([...pending.values()].map((p) => ({ path: p.rel, before: p.before, after: p.content })))));
  }
  if (objections.length > 0) return { ok: false, written: [], deleted: [], objections, protectedPaths };
  const written: string[] = [];
  const deleted: string[] = [];
  for (const [absolute, p] of pending) {
    if (p.content === null) {
      await unlink(absolute);
      deleted.push(p.rel);
    } else {
      await mkdir(dirname(absolute), { recursive: true });
      await writeReplacing(absolute, p.content);
      written.push(p.rel);
    }
  }
  return { ok: true, written, deleted, objections, protectedPaths };
}

/**
 * Writes a file by creating a new one beside it and renaming it over the old: an existing hard link (a test
 * run could have linked an outside file into the worktree) is replaced, never written through. The old file's
 * permission bits are kept (an executable script stays executable).
 */
async function writeReplacing(absolute: string, content: string): Promise<void> {
  const temp = join(dirname(absolute), `.${basename(absolute)}.shipwright-${randomBytes(6).toString('hex')}`);
  const mode = await stat(absolute).then((s) => s.mode & 0o7777, () => undefined);
  try {
    await writeFile(temp, content, { flag: 'wx' });
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, absolute);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
}

async function readCurrent(absolute: string): Promise<string | null | 'directory'> {
  try {
    if ((await stat(absolute)).isDirectory()) return 'directory';
    return await readFile(absolute, 'utf8');
  } catch {
    return null;
  }
}

/** The new text, or how many places matched when that was not exactly one. */
function replaceOnce(text: string, search: string, replace: string): string | { matches: number } {
  const exact = countOccurrences(text, search);
  if (exact === 1) return text.replace(search, () => replace);
  if (exact > 1) return { matches: exact };
  // Models often get line endings and trailing spaces wrong; compare lines with those removed.
  const lines = text.split('\n');
  const block = search.replace(/\r?\n$/, '').split('\n').map(norm);
  const hits: number[] = [];
  for (let i = 0; i + block.length <= lines.length; i++) {
    if (block.every((b, k) => norm(lines[i + k]) === b)) hits.push(i);
  }
  if (hits.length !== 1) return { matches: hits.length };
  const start = hits[0];
  const eol = lines[start].endsWith('\r') ? '\r\n' : '\n';
  const replacement = replace.replace(/\r?\n$/, '').split(/\r?\n/).join(eol);
  const trailingEol = eol === '\r\n' ? '\r' : '';
  return [...lines.slice(0, start), replacement + trailingEol, ...lines.slice(start + block.length)].join('\n');
}

function norm(line: string): string {
  return line.replace(/\s+$/, '');
}

function countOccurrences(text: string, search: string): number {
  let count = 0;
  for (let i = text.indexOf(search); i !== -1; i = text.indexOf(search, i + search.length)) count++;
  return count;
}

function describeMiss(path: string, text: string, search: string, matches: number): string {
  if (matches > 1) return `the search block for \`${path}\` matches ${matches} places; include more surrounding lines so it matches one`;
  const near = closestLines(text, search);
  return `the search block for \`${path}\` matches nothing in the file. The closest lines (from line ${near.startLine}, ` +
    `similarity ${Math.round(near.score * 100)} %) are:\n${near.excerpt}\nCopy the lines exactly, or send the whole file.`;
}
