import { promises as fs } from 'node:fs';
import path from 'node:path';
import { prepareSandbox } from '../sandbox/commandSandbox';
import type { SandboxSettings } from '../sandbox/sandboxSettings';
import { gitClient } from '../workspace/gitClient';
import { describeTestRun, runTestCommand } from '../workspace/testCommandRunner';
import { bringDependencies, planDependencies, type DependencyMode } from '../workspace/worktreeDependencies';
import type { EvalInstance } from './evalInstance';
import { DEFAULT_CHECK_COMMAND } from './evalInstance';
import type { HiddenChecks } from './evalReport';
import { pathExists } from '../workspace/pathExists';

/** Characters of a failing check's output kept in the results. */
const FAILED_OUTPUT_CHARS = 2_000;

/** A test id as one shell word (POSIX single quotes; a quote inside becomes '\''). Test ids come from suite files. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The repository paths a unified diff touches (both sides of each file: `--- a/X`, `+++ b/Y`; `/dev/null` skipped).
 * @throws Error for a path that is absolute or climbs out with `..` (git apply refuses those too; the message says why)
 */
export function patchPaths(patch: string): string[] {
  const paths = new Set<string>();
  for (const m of patch.matchAll(/^(?:---|\+\+\+) (?:[ab]\/)?([^\t\n]+)/gm)) {
    const p = m[1].trim();
    if (p === '/dev/null') continue;
    if (path.isAbsolute(p) || p.split('/').includes('..')) throw new Error(`the test patch touches a path outside the repository: ${p}`);
    paths.add(p);
  }
  return [...paths];
}

/**
 * The hidden checks of one finished run, in a checkout of its own that no phase ever sees: a detached worktree of
 * the instance's clone at `commit` (the tip of the ticket's branch) under `checksDir`. As SWE-bench's harness does
 * (swebench/harness/test_spec: `git checkout {base_commit} {test_files}` then `git apply` of the test patch),
 * the files the test patch touches are first reset to the base commit (or removed when the base has none), so
 * tests the pipeline wrote at the same paths do not block it; then each fail-to-pass and pass-to-pass test runs
 * through the check command. The checkout is removed afterwards, whatever happened.
 */
export async function runHiddenChecks(o: {
  instance: EvalInstance;
  /** The instance's clone (its `.git` holds the ticket's branch). */
  repoDir: string;
  baseCommit: string;
  commit: string;
  /** Folder for check checkouts (outside the clone and every ticket's worktree). */
  checksDir: string;
  name: string;
  /** Git-ignored entries of the clone (e.g. `node_modules`) linked into the checkout, as worktrees get them. */
  link: readonly string[];
  /** How the checkout gets node_modules, as a ticket's worktree does (`worktree.dependencies`). */
  dependencies: DependencyMode;
  /** The profile's sandbox settings: the checks run model-written code, confined like the pipeline's test runs. */
  sandbox: SandboxSettings;
  timeoutMs: number;
  outputBudgetChars: number;
}): Promise<HiddenChecks> {
  const started = Date.now();
  const git = gitClient(o.repoDir);
  const dir = path.join(o.checksDir, o.name);
  const patchFile = path.join(o.checksDir, `${o.name}.patch`);
  await removeCheckout(o.repoDir, dir);
  await fs.mkdir(o.checksDir, { recursive: true });
  await git.raw(['worktree', 'add', '--quiet', '--detach', dir, o.commit]);
  try {
    let patchError: string | undefined;
    try {
      const paths = patchPaths(o.instance.testPatch);
      const wt = gitClient(dir);
      for (const p of paths) {
        const atBase = await wt.raw(['cat-file', '-e', `${o.baseCommit}:${p}`]).then(() => true, () => false);
        if (atBase) await wt.raw(['checkout', o.baseCommit, '--', p]);
        else await fs.rm(path.join(dir, p), { force: true, recursive: true });
      }
      if (o.instance.testPatch.trim() !== '') {
        await fs.writeFile(patchFile, o.instance.testPatch.endsWith('\n') ? o.instance.testPatch : `${o.instance.testPatch}\n`);
        await wt.raw(['apply', '--whitespace=nowarn', patchFile]);
      }
    } catch (e) {
      patchError = (e as Error).message.trim().slice(0, FAILED_OUTPUT_CHARS);
    }
    for (const entry of o.link) {
      if (path.isAbsolute(entry) || entry.split(/[\\/]/).includes('..')) continue;
      const from = path.join(o.repoDir, entry);
      const to = path.join(dir, entry);
      if ((await pathExists(from)) && !(await pathExists(to))) await fs.symlink(from, to);
    }
    const deps = await planDependencies(o.repoDir, dir, o.dependencies);
    if (deps.how === 'copy' || deps.how === 'link') await bringDependencies(o.repoDir, dir, deps.how);
    const sandbox = await prepareSandbox({ settings: o.sandbox, worktree: await fs.realpath(dir), repoRoot: o.repoDir });
    if (deps.how === 'install' && deps.command && patchError === undefined) {
      const r = await runTestCommand({ command: deps.command, cwd: dir, timeoutMs: o.timeoutMs, outputBudgetChars: o.outputBudgetChars, sandbox, network: o.sandbox.setupNetwork });
      if (r.exitCode !== 0) patchError = `installing the dependencies failed: ${describeTestRun(r)}\n${r.output.slice(-FAILED_OUTPUT_CHARS)}`;
    }
    const run = async (test: string) => {
      if (patchError !== undefined) return { test, passed: false, exitCode: null, output: `not run: ${patchError.split('\n')[0]}` };
      const command = (o.instance.checkCommand ?? DEFAULT_CHECK_COMMAND).split('{test}').join(shellQuote(test));
      const r = await runTestCommand({ command, cwd: dir, timeoutMs: o.timeoutMs, outputBudgetChars: o.outputBudgetChars, sandbox, network: o.sandbox.network });
      const passed = r.exitCode === 0;
      return { test, passed, exitCode: r.exitCode, output: passed ? '' : r.output.slice(-FAILED_OUTPUT_CHARS) };
    };
    const failToPass = [];
    for (const t of o.instance.failToPass) failToPass.push(await run(t));
    const passToPass = [];
    for (const t of o.instance.passToPass) passToPass.push(await run(t));
    return { commit: o.commit, patchError, failToPass, passToPass, durationMs: Date.now() - started };
  } finally {
    await removeCheckout(o.repoDir, dir);
    await fs.rm(patchFile, { force: true });
  }
}

/** Removes a check checkout (and git's record of it) if one is there, e.g. left by a crash. */
async function removeCheckout(repoDir: string, dir: string): Promise<void> {
  const git = gitClient(repoDir);
  await git.raw(['worktree', 'remove', '--force', dir]).catch(() => undefined);
  await fs.rm(dir, { recursive: true, force: true });
  await git.raw(['worktree', 'prune']);
}

