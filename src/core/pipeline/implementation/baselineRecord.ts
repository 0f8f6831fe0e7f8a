import { gitClient } from '../../workspace/gitClient';
import type { WorktreeInfo } from '../phaseContext';
import { CLEAN_BASELINE, type Baseline } from './testJudge';

/** The trailer, one per pre-existing failing test, on the commit of the tests step. */
const TRAILER = 'Shipwright-Baseline-Failure';
/** The trailer, one per test the tests step wrote (as the red run named it), on the same commit. */
const NEW_TEST = 'Shipwright-New-Test';
/** The trailer with the number of tests the run before any change named passing (Baseline.namedPassing). */
const NAMED_PASSING = 'Shipwright-Baseline-Named-Passing';
/** The trailer saying the run before any change printed its runner's summary (Baseline.summarized). */
const SUMMARY = 'Shipwright-Baseline-Summary';

/**
 * The baseline's failing tests, the new tests (Baseline.newTests), how many tests it named passing
 * (Baseline.namedPassing) and whether it printed a summary (Baseline.summarized) as commit trailers for the tests
 * step, so every
 * later run of the ticket (other phases, a resumed run, a re-created worktree) judges against the same baseline.
 * A name is kept on one line (a trailer cannot span lines).
 */
export function baselineTrailers(baseline: Baseline): string[] {
  const line = (n: string): string => n.replace(/\s+/g, ' ');
  const named = baseline.namedPassing ?? baseline.passing.length;
  return [
    ...baseline.failures.map((f) => `${TRAILER}: ${line(f)}`),
    ...(baseline.newTests ?? []).map((t) => `${NEW_TEST}: ${line(t)}`),
    ...(named > 0 ? [`${NAMED_PASSING}: ${named}`] : []),
    ...(baseline.summarized === true ? [`${SUMMARY}: yes`] : []),
  ];
}

/**
 * The baseline recorded on the ticket's branch (trailers of commits since its base): its failures and the new
 * tests; a clean baseline when none was recorded (the tests step has not been committed yet).
 */
export async function readBaseline(worktree: WorktreeInfo): Promise<Baseline> {
  // One git process for the four keys (every test run outside the tests step reads this): `Key: value` lines.
  const keys = [TRAILER, NEW_TEST, NAMED_PASSING, SUMMARY];
  const out = await gitClient(worktree.path).raw(['log', `--format=%(trailers:${keys.map((k) => `key=${k}`).join(',')},unfold)`, `${worktree.baseCommit}..HEAD`]);
  const values = new Map<string, Set<string>>(keys.map((k) => [k.toLowerCase(), new Set<string>()]));
  for (const l of out.split('\n')) {
    const m = /^([\w-]+):\s*(.*?)\s*$/.exec(l);
    if (m !== null && m[2] !== '') values.get(m[1].toLowerCase())?.add(m[2]);
  }
  const read = (key: string): string[] => [...(values.get(key.toLowerCase()) ?? [])];
  const [failures, newTests, named, summary] = [read(TRAILER), read(NEW_TEST), read(NAMED_PASSING), read(SUMMARY)];
  const namedPassing = Math.max(0, ...named.map((n) => Number.parseInt(n, 10)).filter((n) => Number.isFinite(n)));
  const summarized = summary.includes('yes');
  if (failures.length === 0 && newTests.length === 0 && namedPassing === 0 && !summarized) return CLEAN_BASELINE;
  return { failures, passing: [], ...(newTests.length > 0 ? { newTests } : {}), ...(namedPassing > 0 ? { namedPassing } : {}), ...(summarized ? { summarized } : {}) };
}
