import { commitChanges, type CommitResult } from '../../workspace/commitAll';
import { gitClient } from '../../workspace/gitClient';
import type { PhaseContext, WorktreeInfo } from '../phaseContext';
import { reportRefused } from '../reportRefused';

/** Names of implementation steps as recorded in commit trailers (task steps use the plan's task ids). */
export const stepCommits = {
  tests: 'tests',
  ciFix: 'ciFix',
  reviewFix: (round: number) => `review-fix-${round}`,
  /** The n-th round of files a person rejected and sent back (1-based). */
  humanFix: (round: number) => `human-fix-${round}`,
} as const;

/** The git trailer that marks a commit as a finished implementation step, so a resumed run skips it. */
const TRAILER = 'Shipwright-Step';

/**
 * Commits the worktree's committable changes as one finished step (`tests`, a task id, `ciFix`,
 * `review-fix-1`), with the step in a `Shipwright-Step:` trailer; changes that may not be committed (a link
 * out of the worktree, a nested repository… see stageableChanges) are reported as a warning instead. No change
 * means no commit: such a step runs again on resume. `trailers` (`Key: value` lines) are added after the step's.
 */
export async function commitStep(ctx: Pick<PhaseContext, 'worktree' | 'ticket' | 'emit' | 'config'>, step: string, subject: string, trailers: string[] = []): Promise<CommitResult> {
  const result = await commitChanges(ctx.worktree, `${subject}\n\n${[`${TRAILER}: ${step}`, ...trailers].join('\n')}`, { secretFiles: ctx.config.secretFiles, allowProtected: ctx.config.protectedPaths.allow });
  reportRefused(ctx, result.refused);
  return result;
}

/** Steps already committed on the ticket's branch since its base commit (from the trailers). */
export async function stepsDone(worktree: WorktreeInfo): Promise<Set<string>> {
  const out = await gitClient(worktree.path).raw(['log', `--format=%(trailers:key=${TRAILER},valueonly)`, `${worktree.baseCommit}..HEAD`]);
  return new Set(out.split('\n').map((l) => l.trim()).filter((l) => l !== ''));
}

/** Paths a committed step changed (e.g. the test files of the `tests` step), from its commit. */
export async function stepFiles(worktree: WorktreeInfo, step: string): Promise<string[]> {
  const git = gitClient(worktree.path);
  const sha = (await git.raw(['log', '-1', '--format=%H', `--grep=^${TRAILER}: ${step}$`, `${worktree.baseCommit}..HEAD`])).trim();
  if (sha === '') return [];
  return (await git.raw(['diff-tree', '--no-commit-id', '--name-only', '-r', '--no-renames', sha])).split('\n').filter((l) => l !== '');
}
