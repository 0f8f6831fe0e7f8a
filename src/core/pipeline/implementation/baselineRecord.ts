import { gitClient } from '../../workspace/gitClient';
import type { WorktreeInfo } from '../phaseContext';
import { CLEAN_BASELINE, type Baseline } from './testJudge';

/** The trailer, one per pre-existing failing test, on the commit of the tests step. */
const TRAILER = 'Shipwright-Baseline-Failure';

/**
 * The baseline's failing tests as commit trailers for the tests step, so every later run of the ticket (other
 * phases, a resumed run, a re-created worktree) judges against the same baseline. Empty when the baseline passed.
 */
export function baselineTrailers(baseline: Baseline): string[] {
  return baseline.failures.map((f) => `${TRAILER}: ${f}`);
}

/**
 * The baseline recorded on the ticket's branch (trailers of commits since its base); a clean baseline when none
 * was recorded (the baseline passed, or the tests step has not been committed yet).
 */
export async function readBaseline(worktree: WorktreeInfo): Promise<Baseline> {
  const out = await gitClient(worktree.path).raw(['log', `--format=%(trailers:key=${TRAILER},valueonly,unfold)`, `${worktree.baseCommit}..HEAD`]);
  const failures = [...new Set(out.split('\n').map((l) => l.trim()).filter((l) => l !== ''))];
  return failures.length === 0 ? CLEAN_BASELINE : { failures, passing: [] };
}
