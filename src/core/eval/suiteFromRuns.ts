import type { RunState } from '../pipeline/runState';
import { gitClient, splitNul } from '../workspace/gitClient';
import type { ShipwrightSuiteFile } from './shipwrightSuite';

/** Paths that are tests in the common layouts (JS/TS, Python, Go, Rust, Java); `.shipwright/` deliverables never. */
export function isTestPath(p: string): boolean {
  if (p.startsWith('.shipwright/')) return false;
  return /(^|\/)(test|tests|__tests__|spec|specs)\//.test(p)
    || /\.(test|spec)\.[cm]?[jt]sx?$/.test(p)
    || /(^|\/)test_[^/]+\.py$/.test(p) || /_test\.(py|go)$/.test(p)
    || /(^|\/)src\/test\//.test(p);
}

/** One finished ticket turned into a suite instance, or why it could not be. */
export type FromRun = { ok: true; instance: ShipwrightSuiteFile['instances'][number] } | { ok: false; ticketId: string; reason: string };

/**
 * Turns finished tickets of the user's repository into instances of a Shipwright suite: the ticket as it was, the
 * repository (its absolute path) at the commit the ticket started from, and as hidden checks the tests its branch
 * added or changed (the merged tests): their diff is the test patch and each such test file must go from failing to
 * passing; the other test files present at the base commit must keep passing. Only tickets in state `done` whose
 * branch still exists and changed at least one test file qualify; the others come back with the reason.
 * `opts.testCommand` / `opts.checkCommand` are written on each instance when given (else the pipeline detects the
 * test command and checks use `npm test -- {test}`).
 * @throws Error from git when the repository cannot be read
 */
export async function suiteFromRuns(states: readonly RunState[], opts: { testCommand?: string; checkCommand?: string } = {}): Promise<FromRun[]> {
  const out: FromRun[] = [];
  for (const s of states) {
    const id = s.ticket.id;
    if (s.state !== 'done') { out.push({ ok: false, ticketId: id, reason: `state ${s.state}, not done` }); continue; }
    if (!s.worktree) { out.push({ ok: false, ticketId: id, reason: 'no worktree was recorded' }); continue; }
    const git = gitClient(s.worktree.repoRoot);
    const tip = (await git.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${s.worktree.branch}^{commit}`]).catch(() => '')).trim();
    if (!tip) { out.push({ ok: false, ticketId: id, reason: `branch ${s.worktree.branch} no longer exists` }); continue; }
    const base = s.worktree.baseCommit;
    const changed = splitNul(await git.raw(['diff', '--name-only', '-z', '--no-renames', base, tip]));
    const tests = changed.filter(isTestPath);
    if (tests.length === 0) { out.push({ ok: false, ticketId: id, reason: 'its change has no test file' }); continue; }
    const present = new Set(splitNul(await git.raw(['ls-tree', '-r', '-z', '--name-only', tip, '--', ...tests])));
    const failToPass = tests.filter((t) => present.has(t)); // a test file the branch deleted is not a check
    if (failToPass.length === 0) { out.push({ ok: false, ticketId: id, reason: 'its change only deleted test files' }); continue; }
    const testPatch = await git.raw(['diff', '--no-renames', '--binary', base, tip, '--', ...tests]);
    const atBase = splitNul(await git.raw(['ls-tree', '-r', '-z', '--name-only', base])).filter(isTestPath);
    const passToPass = atBase.filter((t) => !tests.includes(t));
    out.push({
      ok: true,
      instance: {
        id,
        repo: s.worktree.repoRoot,
        baseCommit: base,
        ticket: { kind: s.ticket.kind, title: s.ticket.title, body: s.ticket.body, acceptanceCriteria: s.ticket.acceptanceCriteria },
        testPatch,
        failToPass,
        passToPass,
        ...(opts.testCommand ? { testCommand: opts.testCommand } : {}),
        ...(opts.checkCommand ? { checkCommand: opts.checkCommand } : {}),
      },
    });
  }
  return out;
}
