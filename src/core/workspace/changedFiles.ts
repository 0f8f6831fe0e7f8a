import { createHash } from 'node:crypto';
import type { WorktreeInfo } from '../pipeline/phaseContext';
import type { ChangedFile } from '../ports/approvalPort';
import { gitClient, splitNul } from './gitClient';

/**
 * The files the ticket's branch changed against its base commit: `git diff --numstat --no-renames
 * <base> HEAD` in the worktree (a rename counts as a deletion plus an addition, so each path can be approved on
 * its own). Counts are committed work only: the engine commits after every phase. `contentHash` is the sha256 of
 * the file at the branch's HEAD (empty when deleted); binary files count 0 lines.
 */
export async function changedFiles(worktree: WorktreeInfo): Promise<ChangedFile[]> {
  const git = gitClient(worktree.path);
  const head = (await git.revparse(['HEAD'])).trim();
  const status = new Map<string, ChangedFile['status']>();
  const nameStatus = splitNul(await git.raw(['diff', '--name-status', '--no-renames', '-z', worktree.baseCommit, head]));
  for (let i = 0; i + 1 < nameStatus.length; i += 2) {
    const code = nameStatus[i];
    status.set(nameStatus[i + 1], code === 'A' ? 'added' : code === 'D' ? 'deleted' : 'modified');
  }
  const numstat = splitNul(await git.raw(['diff', '--numstat', '--no-renames', '-z', worktree.baseCommit, head]));
  const files: ChangedFile[] = [];
  for (const entry of numstat) {
    const [added, removed, path] = entry.split('\t');
    const st = status.get(path) ?? 'modified';
    files.push({
      path,
      status: st,
      added: added === '-' ? 0 : Number(added),
      removed: removed === '-' ? 0 : Number(removed),
      contentHash: st === 'deleted' ? '' : await blobHash(worktree.path, head, path),
    });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** sha256 (hex) of a file's bytes at a commit. */
export async function blobHash(dir: string, commit: string, path: string): Promise<string> {
  const bytes: Buffer = await gitClient(dir).binaryCatFile(['blob', `${commit}:${path}`]);
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Unified diff text of the branch against its base, for one file or (no `path`) the whole change; `context`
 * lines around each hunk (git's default 3); `exclude` leaves folders/paths out (e.g. `.shipwright`).
 */
export async function branchDiff(worktree: WorktreeInfo, opts: { path?: string; context?: number; exclude?: string[] } = {}): Promise<string> {
  const args = ['diff', '--no-renames', '--no-color', `-U${opts.context ?? 3}`, worktree.baseCommit, 'HEAD', '--'];
  args.push(opts.path ?? '.');
  for (const x of opts.exclude ?? []) args.push(`:(exclude)${x}`);
  return gitClient(worktree.path).raw(args);
}
