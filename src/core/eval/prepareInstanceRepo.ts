import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { prepareSandbox } from '../sandbox/commandSandbox';
import type { SandboxSettings } from '../sandbox/sandboxSettings';
import { gitClient } from '../workspace/gitClient';
import { describeTestRun, runTestCommand } from '../workspace/testCommandRunner';
import type { EvalInstance } from './evalInstance';
import { EvalSetupError } from './evalSetupError';
import { resolveRepo } from './resolveRepo';

/** An instance's own clone, checked out (detached) at its base commit; every profile's worktree is made from it. */
export interface InstanceRepo {
  /** Canonical path of the clone's working tree. */
  dir: string;
  /** The full base commit id. */
  baseCommit: string;
}

/** Marker (inside the clone's `.git`, so never an untracked file) that the set-up command succeeded. */
const SETUP_DONE = 'shipwright-eval-setup-done';

/** A folder name for an instance: readable, and unique even when two ids slug alike. */
export function instanceFolder(id: string): string {
  const slug = id.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'instance';
  return `${slug}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

/**
 * Makes (or reopens, after a crash) `<reposDir>/<instance folder>`: a clone of the instance's repository at its
 * base commit, with a local identity for the engine's commits, and runs the instance's set-up command there once
 * (e.g. `npm ci`; its `node_modules` is then linked into each worktree), in the sandbox. The source repository is
 * only read.
 * @throws EvalSetupError('repo') when the repository cannot be found or cloned, the base commit is not in it,
 *   or the set-up command fails
 */
export async function prepareInstanceRepo(
  instance: EvalInstance,
  opts: { reposDir: string; mirrorDir?: string; timeoutMs: number; outputBudgetChars: number; sandbox: SandboxSettings },
): Promise<InstanceRepo> {
  const dir = path.join(opts.reposDir, instanceFolder(instance.id));
  const where = `instance ${instance.id}`;
  if (!(await exists(path.join(dir, '.git')))) {
    const source = await resolveRepo(instance.repo, opts.mirrorDir);
    await fs.rm(dir, { recursive: true, force: true }); // a clone a crash left half-made
    await fs.mkdir(opts.reposDir, { recursive: true });
    try {
      await gitClient(opts.reposDir).raw(['clone', '--quiet', '--no-checkout', source.kind === 'local' ? source.path : source.url, dir]);
    } catch (e) {
      throw new EvalSetupError('repo', `${where}: cannot clone ${instance.repo}: ${(e as Error).message.trim()}`, { cause: e });
    }
  }
  const git = gitClient(dir);
  let baseCommit: string;
  try {
    baseCommit = (await git.raw(['rev-parse', '--verify', '--quiet', `${instance.baseCommit}^{commit}`])).trim();
  } catch (e) {
    throw new EvalSetupError('repo', `${where}: base commit ${instance.baseCommit} is not in ${instance.repo}`, { cause: e });
  }
  const head = (await git.raw(['rev-parse', '--verify', '--quiet', 'HEAD']).catch(() => '')).trim();
  if (head !== baseCommit) await git.raw(['checkout', '--quiet', '--detach', baseCommit]);
  await git.raw(['config', 'user.name', 'Shipwright eval']);
  await git.raw(['config', 'user.email', 'shipwright-eval@localhost']);
  const canonical = await fs.realpath(dir);
  const marker = path.join(canonical, '.git', SETUP_DONE);
  if (instance.setupCommand && !(await exists(marker))) {
    // Confined like a worktree's set-up command: the clone writable, network as settings.setupNetwork says.
    const sandbox = await prepareSandbox({ settings: opts.sandbox, worktree: canonical, repoRoot: canonical });
    const r = await runTestCommand({ command: instance.setupCommand, cwd: canonical, timeoutMs: opts.timeoutMs, outputBudgetChars: opts.outputBudgetChars, sandbox, network: opts.sandbox.setupNetwork });
    if (r.exitCode !== 0) throw new EvalSetupError('repo', `${where}: set-up command failed: ${describeTestRun(r)}\n${r.output}`);
    await fs.writeFile(marker, `${new Date().toISOString()} ${instance.setupCommand}\n`);
  }
  return { dir: canonical, baseCommit };
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
