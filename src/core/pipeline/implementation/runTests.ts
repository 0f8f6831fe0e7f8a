import { join } from 'node:path';
import { prepareSandbox } from '../../sandbox/commandSandbox';
import { secretPolicy } from '../../secrets/secretPolicy';
import { codeState } from '../../workspace/codeState';
import { ensureWorktree } from '../../workspace/ensureWorktree';
import { gitClient } from '../../workspace/gitClient';
import { withoutLocalPaths } from '../../workspace/localPaths';
import { hideNewNotes } from '../../workspace/hideNewNotes';
import { pathExists } from '../../workspace/pathExists';
import { restoreProtected, snapshotProtected } from '../../workspace/protectedSnapshot';
import { runTestCommand, describeTestRun, type TestRunResult } from '../../workspace/testCommandRunner';
import { dependencyCaches, DEPENDENCY_FOLDER } from '../../workspace/worktreeDependencies';
import { readWorktreeMeta } from '../../workspace/worktreeMeta';
import { removeSourcelessBytecode } from '../../workspace/sourcelessBytecode';
import type { PhaseContext } from '../phaseContext';
import type { PhaseId } from '../phaseId';
import { stamp } from '../pipelineEvent';
import { readBaseline } from './baselineRecord';
import { readFrozenTests, restoreFrozenTests } from './judgeGuard';
import { notGreenAtAnyExit, passes, RESULT_LINE, type Baseline } from './testJudge';

/** Notices already given in this process: an unconfined run is said once, not before every test run. */
const told = new Set<string>();

/**
 * Runs the project's test command in the ticket's worktree, inside the sandbox (config.sandbox; see
 * prepareSandbox), with the configured timeout and output budget, and emits a `testRun` event saying what was
 * expected (`red` after the tests step, `green` after code). When the command runs unconfined (sandbox off,
 * macOS, Windows) a warning says so once per process. Whatever the run wrote to protected files (CI workflows,
 * hook folders, `.shipwright`; see protectedPaths) is put back afterwards, and the output says so; the ticket's own
 * notes are out of the worktree while the command runs (hideNewNotes). Frozen
 * tests (judgeGuard) are read-only in the sandbox and put back to their red version before the run; a run that
 * changed them is never green. `passed` is judged against `baseline` (default: the one recorded with the
 * ticket's tests step, see baselineRecord), so failures that predate the ticket do not count. A green run that
 * changed the code (codeState: a formatter with `--fix` in the test script) is run once more on the changed code,
 * and that run is the verdict.
 * @throws SandboxError('unavailable') on Linux when the sandbox is `auto` and bubblewrap is missing
 */
export async function runTests(ctx: PhaseContext, command: string, phase: PhaseId, expect: 'red' | 'green', baseline?: Baseline): Promise<JudgedRun> {
  // A green run vouches for the code it ran on. A test script that rewrites code before its tests (`xo --fix` or
  // `prettier --write` in `npm test`, as wooorm's packages run after `tsc`) leaves code that no step of the run
  // judged whole, and that is what gets committed: it is run once more on the code as it now is.
  const before = expect === 'green' ? await codeState(ctx.worktree.path).catch(() => undefined) : undefined;
  const run = await runOnce(ctx, command, phase, expect, baseline);
  if (!run.passed || before === undefined) return run;
  const after = await codeState(ctx.worktree.path).catch(() => undefined);
  if (after === undefined) return run;
  if (after === before) return { ...run, codeState: after };
  ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'info', message: `the test run changed the code it judged (a formatter or build step in \`${command}\` writes files): it runs once more on the code as it is now` }));
  const changed = (await gitClient(ctx.worktree.path).raw(['diff', '--name-only', 'HEAD']).catch(() => '')).trim().split('\n').filter((p) => p !== '');
  const again = await runOnce(ctx, command, phase, expect, baseline);
  // The model reads this run: it must learn that the code it sees is the command's rewrite, not its own.
  again.output = `[Shipwright: \`${command}\` rewrote the code after its checks ran (a formatter or build step with --fix, most likely). The run before passed on the code as written; this run judges the code as the command left it (now changed against the last commit: ${changed.join(', ') || 'nothing tracked'}). Write code that the command leaves as it is.]\n${again.output}`;
  return again;
}

/** One run of the test command, as runTests describes it. */
async function runOnce(ctx: PhaseContext, command: string, phase: PhaseId, expect: 'red' | 'green', baseline?: Baseline): Promise<JudgedRun> {
  // A vanished worktree would make every run "fail" (exit 127): stop instead of judging that.
  await ensureWorktree(ctx.worktree, ctx.ticket.id);
  // Read once for this run: the tests step's commit cannot change while its tests are checked and run.
  const frozen = await readFrozenTests(ctx.worktree);
  // What Shipwright copied in (node_modules, `.venv`) is read-only to the code the tests run, but for runners' caches.
  const meta = await readWorktreeMeta(ctx.worktree.path);
  const brought = ctx.config.sandbox.writableDependencies ? [] : (meta?.brought ?? []);
  const caches = brought.includes(DEPENDENCY_FOLDER) ? await dependencyCaches(ctx.worktree.path) : [];
  const stale = await removeSourcelessBytecode(ctx.worktree.path, meta?.brought ?? []);
  if (stale.length > 0) ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', message: `Python bytecode without its source, which would be imported as a module, was deleted before the test run: ${stale.join(', ')}` }));
  const sandbox = await prepareSandbox({ settings: ctx.config.sandbox, worktree: ctx.worktree.path, repoRoot: ctx.worktree.repoRoot, readOnly: [...frozen.files, ...brought], writable: caches });
  if (!sandbox.confined && !told.has(sandbox.description)) {
    told.add(sandbox.description);
    ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', message: `Not sandboxed: ${sandbox.description}.` }));
  }
  // Green is decided by the tests proven red: whatever changed them since is undone first.
  const unfrozen = await restoreFrozenTests(ctx.worktree, frozen);
  if (unfrozen.length > 0) ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', message: `frozen tests had changed and were put back before the test run: ${unfrozen.join(', ')}` }));
  const before = await snapshotProtected(ctx.worktree.path);
  // The ticket's notes are not code: the repository's own checks (a markdown linter over every file) must not judge them.
  const notes = await hideNewNotes(ctx.worktree.path, ctx.worktree.baseCommit, before);
  const run = await runTestCommand({
    command,
    cwd: ctx.worktree.path,
    timeoutMs: ctx.config.testTimeoutMs,
    outputBudgetChars: ctx.config.testOutputBudgetChars,
    signal: ctx.signal,
    sandbox,
    network: ctx.config.sandbox.network,
    knownSecrets: (await secretPolicy(ctx.worktree.path, ctx.config.secretFiles)).values,
    keepLines: RESULT_LINE,
  });
  // A run that changed the tests it is judged by (possible where no sandbox binds them read-only) is not green.
  const rewritten = await restoreFrozenTests(ctx.worktree, frozen);
  if (rewritten.length > 0) {
    run.output += `\n[Shipwright: the run changed the frozen tests ${rewritten.join(', ')}; they were put back and the run counts as failed]`;
    if (run.exitCode === 0) run.exitCode = 1;
  }
  // A note the run wrote back in its place counts as the run's writing; the rest were only put back.
  const rewroteNotes = new Set((await Promise.all(notes.map(async (p) => ((await pathExists(join(ctx.worktree.path, p))) ? [p] : [])))).flat());
  const restored = (await restoreProtected(ctx.worktree.path, before)).filter((p) => !notes.includes(p) || rewroteNotes.has(p));
  if (restored.length > 0) {
    const note = `the test run wrote to protected files (CI, hooks, .shipwright), which were put back: ${restored.join(', ')}`;
    ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', message: note }));
    run.output += `\n[Shipwright: ${note}]`;
  }
  // Prompts and the run log see `./test/x.js`, not this machine's worktree, checkout or home folder: shorter, and
  // the user's paths (a user name in /home/…) are nobody else's business. Judged on the same text as it is shown.
  run.output = withoutLocalPaths(run.output, ctx.worktree);
  if (run.resultLines !== undefined) run.resultLines = withoutLocalPaths(run.resultLines, ctx.worktree);
  const judgedBy = baseline ?? (await readBaseline(ctx.worktree));
  const passed = rewritten.length === 0 && passes(run, judgedBy);
  // "exited 0" and "fails" together need the reason, for the model's next attempt and for the person.
  const despite = run.exitCode === 0 && !passed ? notGreenAtAnyExit(run, judgedBy) : undefined;
  if (despite !== undefined) run.output += `\n[Shipwright: \`${command}\` exited 0, but the run is not green: ${despite}]`;
  ctx.emit(stamp({
    type: 'testRun', ticketId: ctx.ticket.id, phase, expect, passed, exitCode: run.exitCode, timedOut: run.timedOut,
    summary: despite === undefined ? describeTestRun(run) : `${describeTestRun(run)}, not green: ${despite}`,
  }));
  return { ...run, passed };
}

/** A test run with the judge's verdict: `passed` is green against the baseline (see testJudge.passes). */
export interface JudgedRun extends TestRunResult {
  passed: boolean;
  /** {@link codeState} of the worktree right after the run, when runTests took it (a green run that changed nothing). */
  codeState?: string;
}

/** Lines of a fully passing run's output kept for a prompt. */
const PASSING_LINES = 6;
/**
 * A runner's totals line: a count next to a word such as passed or tests (node:test `# pass 30`, TAP `# tests 175`,
 * mocha `30 passing`, jest `Tests: 30 passed`, uvu `Total: 33`, pytest `30 passed in 0.12s`).
 */
const TOTALS = /\b(pass|passed|passing|fail|failed|failing|failures|tests?|total|skipped|pending|todo|errors?)\b\W{0,3}\d|\d+\W{0,3}(pass|passed|passing|fail|failed|failing|tests?|skipped|pending)\b/i;

/**
 * A run as prompt text: what ran, how it ended, and the (trimmed) output. A run that exited 0 keeps only its
 * runner's totals (the last {@link PASSING_LINES} lines that match {@link TOTALS}, else its last lines: a coverage
 * table may follow the totals) and says how many lines it left out: a passing run holds no failure to act on, and on
 * the bench's feature ticket its full TAP output was ~250 tokens in each of two calls. A failing, timed-out or
 * cancelled run keeps all of its (already trimmed) output.
 */
export function runAsText(run: TestRunResult): string {
  const output = run.output.trim();
  if (run.exitCode !== 0 || run.timedOut || run.cancelled || output === '') return `${describeTestRun(run)}\n\n${withoutRuntimeFrames(output) || '(no output)'}`;
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  if (lines.length <= PASSING_LINES) return `${describeTestRun(run)}\n\n${output}`;
  const totals = lines.filter((l) => TOTALS.test(l)).slice(-PASSING_LINES);
  const kept = totals.length > 0 ? totals : lines.slice(-PASSING_LINES);
  return `${describeTestRun(run)}; it passed. Its totals (${lines.length - kept.length} other lines left out):\n\n${kept.join('\n')}`;
}

/**
 * A stack frame inside Node.js's own internals (`node:internal/…`), with or without V8's `at ` and a function name:
 * `    at Test.run (node:internal/test_runner/test:796:25)`, `    node:internal/process/task_queues:140:7`. Frames of
 * Node's public modules (`Object.readFileSync (node:fs:452:35)`) say which API threw and stay, as do an error
 * message or a test name that happens to end in such a location: a frame's name is one word (V8's
 * `Type.method`, `async `/`new ` before it, `[as alias]` after it), words with spaces are text.
 */
const RUNTIME_FRAME = /^\s*(?:at\s+)?(?:(?:async |new )?[\w$.<>[\]]+(?: \[as [\w$.<>]+\])? \()?node:internal\/[\w/.-]+:\d+:\d+\)?\s*$/;

/**
 * Failing output without the stack frames inside Node.js (RUNTIME_FRAME), which point at no file a session could
 * change; each run of them becomes one line saying how many were left out. On the bench's feature ticket they were
 * 8 of a failing node:test run's 13 frame lines (~100 tokens).
 */
function withoutRuntimeFrames(output: string): string {
  const out: string[] = [];
  let dropped = 0;
  for (const line of output.split('\n')) {
    if (RUNTIME_FRAME.test(line)) {
      dropped += 1;
      continue;
    }
    if (dropped > 0) out.push(`    (${dropped} frame(s) inside Node.js left out)`);
    dropped = 0;
    out.push(line);
  }
  if (dropped > 0) out.push(`    (${dropped} frame(s) inside Node.js left out)`);
  return out.join('\n');
}
