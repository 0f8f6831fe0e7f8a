import { createHash } from 'node:crypto';
import type { WorktreeInfo } from '../pipeline/phaseContext';
import type { ChangedFile } from '../ports/approvalPort';
import { gitClient, splitNul } from './gitClient';
import { readBlobs } from './readBlobs';
import { reviewFlags } from './reviewFlags';

/**
 * The files the ticket's branch changed against its base commit: `git diff --numstat --no-renames
 * <base> HEAD` in the worktree (a rename counts as a deletion plus an addition, so each path can be approved on
 * its own). Counts are committed work only: the engine commits after every phase. `contentHash` is the sha256 of
 * the file at the branch's HEAD (empty when deleted); lines are counted on the text diff even for files git
 * takes for binary; `flags` says what a person should look at (reviewFlags).
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
  // `--text`: a `-diff` attribute or one NUL byte must not turn a file into "binary, 0 lines" for the reviewer.
  const numstat = splitNul(await git.raw(['diff', '--numstat', '--text', '--no-renames', '-z', worktree.baseCommit, head])).map((entry) => entry.split('\t'));
  // Every file's bytes at HEAD from one git process (hashes and review flags need them).
  const kept = numstat.map(([, , path]) => path).filter((path) => status.get(path) !== 'deleted');
  const blobs = new Map((await readBlobs(git, kept.map((path) => `${head}:${path}`))).map((bytes, i) => [kept[i], bytes]));
  const files: ChangedFile[] = [];
  for (const [added, removed, path] of numstat) {
    const st = status.get(path) ?? 'modified';
    const bytes = st === 'deleted' ? null : (blobs.get(path) ?? null);
    const flags = reviewFlags(path, bytes);
    const counts = added === '-' || removed === '-' ? await textCounts(worktree.path, worktree.baseCommit, head, path) : { added: Number(added), removed: Number(removed) };
    files.push({
      path,
      status: st,
      added: counts.added,
      removed: counts.removed,
      contentHash: bytes === null ? '' : createHash('sha256').update(bytes).digest('hex'),
      ...(flags.length > 0 ? { flags } : {}),
    });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** sha256 (hex) of a file's bytes at a commit. */
export async function blobHash(dir: string, commit: string, path: string): Promise<string> {
  return createHash('sha256').update(await blobBytes(dir, commit, path)).digest('hex');
}

/**
 * Lines added and removed in one file, counted on its text diff: `--numstat` says `-` for a file git takes for
 * binary (a NUL byte, a `-diff` attribute) even with `--text`, and a reviewer must still see how much changed.
 */
async function textCounts(dir: string, base: string, head: string, path: string): Promise<{ added: number; removed: number }> {
  const diff = await gitClient(dir).raw(['diff', '--text', '--no-textconv', '--no-ext-diff', '--no-color', '-U0', base, head, '--', path]);
  const lines = diff.split('\n').filter((l) => !l.startsWith('+++ ') && !l.startsWith('--- '));
  return { added: lines.filter((l) => l.startsWith('+')).length, removed: lines.filter((l) => l.startsWith('-')).length };
}

/** A file's bytes at a commit. */
function blobBytes(dir: string, commit: string, path: string): Promise<Buffer> {
  return gitClient(dir).binaryCatFile(['blob', `${commit}:${path}`]);
}

/**
 * Unified diff text of the branch against its base, for one file or (no `path`) the whole change; `context`
 * lines around each hunk (git's default 3); `exclude` leaves folders/paths out (e.g. `.shipwright`). Always a
 * text diff of the real bytes (`--text --no-textconv --no-ext-diff`): a `.gitattributes` `-diff` line, a NUL
 * byte or a textconv driver must not hide a change from the reviewer model or a person.
 */
export async function branchDiff(worktree: WorktreeInfo, opts: { path?: string; context?: number; exclude?: string[] } = {}): Promise<string> {
  const args = ['diff', '--text', '--no-textconv', '--no-ext-diff', '--no-renames', '--no-color', `-U${opts.context ?? 3}`, worktree.baseCommit, 'HEAD', '--'];
  args.push(opts.path ?? '.');
  for (const x of opts.exclude ?? []) args.push(`:(exclude)${x}`);
  return gitClient(worktree.path).raw(args);
}
