import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { runWithConcurrency } from '../engine/runWithConcurrency';
import { RetryRate } from '../pipeline/retryRate';
import { ShipwrightEngine } from '../engine/shipwrightEngine';
import type { RunState } from '../pipeline/runState';
import { stoppedStates } from '../pipeline/ticketState';
import type { ApprovalPort } from '../ports/approvalPort';
import { gitClient } from '../workspace/gitClient';
import type { EvalInstance, EvalSuite } from './evalInstance';
import { InstanceResult, type EvalReport } from './evalReport';
import type { EvalProfile } from './evalProfiles';
import { instanceFigures } from './instanceFigures';
import { EvalSetupError } from './evalSetupError';
import { prepareInstanceRepo, type InstanceRepo } from './prepareInstanceRepo';
import { runHiddenChecks } from './runHiddenChecks';
import { summarizeProfiles, zeroTokens } from './summarizeProfiles';

/** What an evaluation reports while it runs (the CLI prints it; `--json` keeps stdout for the result). */
export type EvalProgress =
  | { type: 'prepared'; instance: string; repoDir: string }
  | { type: 'started'; instance: string; profile: string; ticketId: string; resumed: boolean }
  | { type: 'finished'; result: InstanceResult; fromEarlierRun: boolean };

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  suite: EvalSuite & { mirrorDir?: string };
  profiles: readonly EvalProfile[];
  /** Where clones, worktrees, per-run results and the report go; reusing it resumes an interrupted evaluation. */
  outDir: string;
  /** Runs (instance × profile) at once, ≥ 1. */
  concurrency: number;
  /** Folder where git URLs / `owner/name` repositories are mirrored (wins over the suite's own `mirrorDir`). */
  mirrorDir?: string;
  /**
   * Budget of the whole evaluation, USD. A run starts only with what is left after finished runs and the budgets
   * reserved by running ones, and gets at most that as its own budget; runs that find nothing left are `not-run`.
   * Absent: each run has its profile's per-ticket `budgetUsd` and nothing more limits the total.
   */
  totalBudgetUsd?: number;
  env?: NodeJS.ProcessEnv;
  anthropicApiKey?: string;
  onProgress?: (p: EvalProgress) => void;
  /** Aborting cancels running tickets; their results are not written, so the next run resumes them. */
  signal?: AbortSignal;
}

/** Unattended: every checkpoint and every file is approved (an evaluation measures the pipeline, not a person). */
const approveEverything: ApprovalPort = {
  approveDeliverable: async () => ({ decision: 'approve' }),
  reviewFiles: async (req) => req.files.map((f) => ({ path: f.path, decision: 'approve', contentHash: f.contentHash })),
};

/**
 * The ticket id of one instance under one profile: readable, and different whenever the profile's effective
 * config differs (so a changed profile runs afresh instead of resuming a run made with other settings).
 * Endpoints and the budget are left out of the hash: they say where and how much, not how.
 */
export function evalTicketId(instanceId: string, profile: EvalProfile): string {
  const { budgetUsd: _b, ollamaHost: _o, anthropicBaseUrl: _a, ...how } = profile.config;
  const h = createHash('sha256').update(JSON.stringify([instanceId, profile.name, how])).digest('hex').slice(0, 12);
  const slug = instanceId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return `ev-${slug ? `${slug}-` : ''}${h}`;
}

/**
 * Runs every instance of a suite under every profile through the normal engine (one worktree per run, in a clone
 * of the instance's repository at its base commit; the engine's ledger and per-ticket budget), at most
 * `concurrency` runs at once; then applies each finished run's hidden checks in a separate checkout. Each run's
 * result is written to `<outDir>/results/<ticket id>.json` as soon as it is known: a second call with the same
 * `outDir` reuses those, resumes runs a crash interrupted (the engine's own resume), and starts the rest.
 * @returns the report: per instance and profile, and per profile (no recommendation or baseline comparison)
 * @throws EvalSetupError when a repository cannot be prepared (before any model is called)
 */
export async function runEvaluation(o: RunEvaluationOptions): Promise<EvalReport> {
  const startedAt = new Date().toISOString();
  await fs.mkdir(o.outDir, { recursive: true });
  // Self-ignoring, like pytest's cache folder: clones and results never show up in the user's `git status`.
  await fs.writeFile(path.join(o.outDir, '.gitignore'), '# made by shipwright eval\n*\n');
  const dirs = { repos: path.join(o.outDir, 'repos'), results: path.join(o.outDir, 'results'), checks: path.join(o.outDir, 'checks') };
  await fs.mkdir(dirs.results, { recursive: true });
  const mirrorDir = o.mirrorDir ?? o.suite.mirrorDir;
  // Clones are shared by every profile: their set-up uses the first profile's timeouts and sandbox.
  const first = o.profiles[0]?.config;
  if (!first) throw new EvalSetupError('profile', 'no profile to evaluate');

  const repos = new Map<string, InstanceRepo>();
  for (const inst of o.suite.instances) {
    const repo = await prepareInstanceRepo(inst, { reposDir: dirs.repos, mirrorDir, timeoutMs: first.testTimeoutMs, outputBudgetChars: first.testOutputBudgetChars, sandbox: first.sandbox });
    repos.set(inst.id, repo);
    o.onProgress?.({ type: 'prepared', instance: inst.id, repoDir: repo.dir });
  }

  type Pair = { id: string; dependsOn: string[]; instance: EvalInstance; profile: EvalProfile };
  const pairs: Pair[] = o.suite.instances.flatMap((instance) => o.profiles.map((profile) => ({ id: evalTicketId(instance.id, profile), dependsOn: [], instance, profile })));
  const results = new Map<string, InstanceResult>();
  for (const p of pairs) {
    const earlier = await readResult(path.join(dirs.results, `${p.id}.json`));
    if (earlier) {
      results.set(p.id, earlier);
      o.onProgress?.({ type: 'finished', result: earlier, fromEarlierRun: true });
    }
  }

  const reserved = new Map<string, number>();
  const spent = () => [...results.values()].reduce((n, r) => n + r.usd, 0) + [...reserved.values()].reduce((n, b) => n + b, 0);
  const runOne = async (p: Pair): Promise<void> => {
    if (o.signal?.aborted) return;
    const repo = repos.get(p.instance.id)!; // every instance was prepared above
    const budget = o.totalBudgetUsd === undefined ? p.profile.config.budgetUsd : Math.min(p.profile.config.budgetUsd, o.totalBudgetUsd - spent());
    if (budget <= 0.000_001) {
      await finish(p, notRun(p, `not run: the evaluation's budget of $${o.totalBudgetUsd} is spent or reserved by running tickets`));
      return;
    }
    reserved.set(p.id, budget);
    try {
      const r = await runPair(p, repo, budget).catch((e: unknown): InstanceResult => ({
        ...notRun(p, `the evaluation could not finish this run: ${e instanceof Error ? e.message : String(e)}`), endState: 'failed',
      }));
      if (r) await finish(p, r);
    } finally {
      reserved.delete(p.id);
    }
  };
  const finish = async (p: Pair, r: InstanceResult) => {
    results.set(p.id, r);
    await writeAtomic(path.join(dirs.results, `${p.id}.json`), JSON.stringify(r, null, 2));
    o.onProgress?.({ type: 'finished', result: r, fromEarlierRun: false });
  };

  const runPair = async (p: Pair, repo: InstanceRepo, budgetUsd: number): Promise<InstanceResult | undefined> => {
    const config: ShipwrightConfig = {
      ...p.profile.config,
      budgetUsd,
      // The instance's repository, not the user's: its own test command (or detection), no set-up per worktree
      // (the clone ran it once), worktrees beside the clone.
      testCommand: p.instance.testCommand,
      worktree: { ...p.profile.config.worktree, root: undefined, setupCommand: undefined },
    };
    // A retry rate of its own: the profiles share the instance's clone, and one profile's retries must not decide
    // another's prompt caching (its cost).
    const engine = await ShipwrightEngine.create({ workspaceRoot: repo.dir, config, approvals: approveEverything, env: o.env, anthropicApiKey: o.anthropicApiKey, retryRate: RetryRate.inMemory() });
    const prior = await engine.get(p.id);
    o.onProgress?.({ type: 'started', instance: p.instance.id, profile: p.profile.name, ticketId: p.id, resumed: prior !== undefined });
    const onAbort = () => engine.cancel(p.id);
    o.signal?.addEventListener('abort', onAbort);
    const started = Date.now();
    let state: RunState;
    try {
      if (!prior) state = await engine.run({ ...p.instance.ticket, id: p.id, dependsOn: [], parentId: undefined });
      else if (stoppedStates.includes(prior.state) && prior.state !== 'cancelled') state = prior;
      else state = await engine.resume(p.id);
    } catch (e) {
      return { ...notRun(p, `the run failed to start or continue: ${(e as Error).message}`), endState: 'failed' };
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
    }
    const wallMs = Date.now() - started;
    if (state.state === 'cancelled' && o.signal?.aborted) return undefined; // resumed next time
    const figures = instanceFigures(state);
    const base = { instance: p.instance.id, profile: p.profile.name, ticketId: p.id, endState: state.state, ...figures, wallMs };
    if ((state.state !== 'ready' && state.state !== 'done') || !state.worktree) {
      return { ...base, resolved: false, reason: `the pipeline stopped ${state.state}: ${state.reason}` };
    }
    const commit = (await gitClient(repo.dir).raw(['rev-parse', '--verify', `${state.worktree.branch}^{commit}`])).trim();
    const checks = await runHiddenChecks({
      instance: p.instance, repoDir: repo.dir, baseCommit: repo.baseCommit, commit, checksDir: dirs.checks, name: p.id,
      link: config.worktree.link, dependencies: config.worktree.dependencies, sandbox: config.sandbox, timeoutMs: config.testTimeoutMs, outputBudgetChars: config.testOutputBudgetChars,
    });
    const failed = [...checks.failToPass, ...checks.passToPass].filter((c) => !c.passed);
    const resolved = checks.patchError === undefined && failed.length === 0;
    const reason = checks.patchError !== undefined
      ? `the hidden checks could not run: ${checks.patchError}`
      : resolved
        ? `resolved: ${checks.failToPass.length} fail-to-pass and ${checks.passToPass.length} pass-to-pass tests pass`
        : `hidden tests failing: ${failed.map((c) => c.test).join(', ')}`;
    return { ...base, resolved, reason, checks };
  };

  const pending = pairs.filter((p) => !results.has(p.id));
  await runWithConcurrency(pending, Math.max(1, o.concurrency), runOne, () => true);

  const instances = pairs.flatMap((p) => (results.has(p.id) ? [results.get(p.id)!] : []));
  return {
    version: 1,
    suite: o.suite.name,
    startedAt,
    finishedAt: new Date().toISOString(),
    profiles: summarizeProfiles(o.profiles.map((p) => p.name), instances),
    instances,
  };
}

function notRun(p: { id: string; instance: EvalInstance; profile: EvalProfile }, reason: string): InstanceResult {
  return { instance: p.instance.id, profile: p.profile.name, ticketId: p.id, resolved: false, endState: 'not-run', reason, usd: 0, tokens: zeroTokens(), calls: 0, phases: [], wallMs: 0 };
}

async function readResult(file: string): Promise<InstanceResult | undefined> {
  try {
    const r = InstanceResult.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    return r.success ? r.data : undefined; // an unreadable result is run again
  } catch {
    return undefined;
  }
}

/** Temp file + rename: a crash leaves the old file or the new one, never half of one. */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}

