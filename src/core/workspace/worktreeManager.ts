import { cp, mkdir, readFile, realpath, symlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ShipwrightConfig } from '../config/shipwrightConfig';
import type { WorktreeInfo } from '../pipeline/phaseContext';
import { prepareSandbox } from '../sandbox/commandSandbox';
import { DEFAULT_SANDBOX } from '../sandbox/sandboxSettings';
import { slugFromTitle } from '../ticket/slugFromTitle';
import type { Ticket } from '../ticket/ticket';
import { gitClient, splitNul } from './gitClient';
import { runTestCommand, type TestRunResult, describeTestRun } from './testCommandRunner';
import { bringDependencies, DEPENDENCY_FOLDER, planDependencies, type DependencyPlan } from './worktreeDependencies';
import { WorktreeError } from './worktreeError';
import { readStaleMeta, readWorktreeMeta, writeWorktreeMeta, type WorktreeMeta } from './worktreeMeta';
import { pathExists } from './pathExists';
import { TEST_RUN_CACHES, TEST_RUN_REPORTS } from './testRunCaches';
import { broughtStamp } from './broughtStamp';

/** A ticket's worktree with what the engine remembers about where it started. */
export interface WorktreeDetails extends WorktreeInfo, Omit<WorktreeMeta, 'baseCommit' | 'branch'> {}

/** What `create` made, and what a person should be told about it. */
export interface CreatedWorktree extends WorktreeDetails {
  /** True when the user's checkout had uncommitted changes (staged, unstaged or untracked) at creation. */
  dirty: boolean;
  /** Those changed paths, repository-relative (an untracked folder once, as `dir/`); they are NOT in the worktree. */
  uncommitted: string[];
  /** Entries of `worktree.copy` / `worktree.link` that existed and were copied / linked. */
  copied: string[];
  linked: string[];
  /** The set-up command's run, when one is configured. */
  setup?: TestRunResult;
  /** How node_modules was provided (worktree.dependencies), and how long it took (ms). */
  dependencies?: DependencyPlan & { durationMs: number };
}

/** Options: the repository (any folder inside the user's working tree) and the settings used. */
export interface WorktreeManagerOptions {
  repoDir: string;
  config: Pick<ShipwrightConfig, 'worktree' | 'testTimeoutMs' | 'testOutputBudgetChars'> & Partial<Pick<ShipwrightConfig, 'sandbox'>>;
}

/** Branch prefix; everything Shipwright makes lives under it. */
const PREFIX = 'shipwright/';

/**
 * Merges the branches a ticket builds on (an epic child's finished dependencies) into its new worktree, so the
 * child starts from their work; the result is the child's base commit, and its own diff stays its own.
 * @throws WorktreeError('conflict') naming the branches when they do not merge cleanly (the merge is aborted)
 */
async function buildOn(worktreePath: string, branches: string[]): Promise<string> {
  const git = gitClient(worktreePath);
  const hasIdentity = (await git.raw(['config', '--get', 'user.email']).catch(() => '')).trim() !== '';
  const identity = hasIdentity ? [] : ['-c', 'user.name=Shipwright', '-c', 'user.email=shipwright@localhost'];
  try {
    await git.raw([...identity, 'merge', '--no-ff', '--no-edit', '-m', `shipwright: build on ${branches.join(', ')}`, ...branches]);
  } catch (e) {
    await git.raw(['merge', '--abort']).catch(() => undefined);
    throw new WorktreeError('conflict', `the branches this ticket builds on do not merge cleanly: ${branches.join(', ')}`, branches, { cause: e });
  }
  return (await git.revparse(['HEAD'])).trim();
}

/** Serialises worktree creation/removal per repository in this process: git's own locks then never collide. */
const queues = new Map<string, Promise<unknown>>();
function serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const next = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  queues.set(key, next.catch(() => undefined));
  return next;
}

/**
 * Creates, reopens, lists and removes the git worktrees tickets run in (through gitClient). A worktree lives
 * outside the user's working tree — by default `<repoRoot>/../.shipwright-worktrees/<repoName>/<ticketId>` —
 * on branch `shipwright/<id>[-<short slug>]`, starting from the commit the user's HEAD points at. The user's checkout,
 * index and stash are only read (with `--no-optional-locks`), never written.
 */
export class WorktreeManager {
  private constructor(
    /** Canonical absolute path of the user's working tree root. */
    readonly repoRoot: string,
    /** Canonical absolute folder holding this repository's worktrees. */
    readonly worktreesRoot: string,
    private readonly config: WorktreeManagerOptions['config'],
  ) {}

  /** @throws WorktreeError('notARepo') when `repoDir` is not inside a git working tree */
  static async open(opts: WorktreeManagerOptions): Promise<WorktreeManager> {
    let top: string;
    try {
      top = (await gitClient(opts.repoDir).raw(['rev-parse', '--show-toplevel'])).trim();
    } catch (e) {
      throw new WorktreeError('notARepo', `${opts.repoDir} is not inside a git working tree`, [], { cause: e });
    }
    const repoRoot = await realpath(top);
    const configured = opts.config.worktree.root;
    const root = configured !== undefined
      ? resolve(repoRoot, configured)
      : join(dirname(repoRoot), '.shipwright-worktrees', basename(repoRoot));
    await mkdir(root, { recursive: true });
    return new WorktreeManager(repoRoot, await realpath(root), opts.config);
  }

  /**
   * The branch name of a ticket: `shipwright/<id>` when the id already says what the title says (an id derived
   * from the title, or one containing its slug), else `shipwright/<id>-<slug of the title, ≤ 30 chars at a word
   * boundary>` — never the slug twice. `create` adds `-2`, `-3`… when such a branch exists already.
   */
  static branchName(ticket: Pick<Ticket, 'id' | 'title'>): string {
    const slug = slugFromTitle(ticket.title);
    const id = ticket.id.toLowerCase();
    if (slug.startsWith('ticket-') || id.includes(slug) || slug.includes(id)) return `${PREFIX}${ticket.id}`;
    const short = slug.length <= 30 ? slug : slug.slice(0, 31).replace(/-[^-]*$/, '') || slug.slice(0, 30);
    return `${PREFIX}${ticket.id}-${short}`;
  }

  /**
   * Makes the ticket's branch and worktree from the user's current HEAD commit, copies/links the configured
   * git-ignored files, provides node_modules (worktree.dependencies: a copy, a fresh install…), and runs the
   * set-up command — all before any model call.
   * @throws WorktreeError('exists') when the ticket already has a worktree or its folder exists
   * @throws WorktreeError('noCommits') when HEAD has no commit
   * @throws WorktreeError('setupFailed') when the dependencies cannot be installed or the set-up command fails
   *   (the worktree is kept for inspection)
   * @throws SandboxError('unavailable') when the set-up command cannot be confined (see prepareSandbox)
   */
  async create(ticket: Pick<Ticket, 'id' | 'title'>, opts: { buildOn?: string[] } = {}): Promise<CreatedWorktree> {
    const user = gitClient(this.repoRoot);
    const path = join(this.worktreesRoot, ticket.id);
    const created = await serial(this.repoRoot, async () => {
      if ((await this.find(ticket.id)) !== undefined) throw new WorktreeError('exists', `ticket ${ticket.id} already has a worktree; open it to resume`);
      if (await pathExists(path)) throw new WorktreeError('exists', `${path} already exists; remove it or set worktree.root`, [path]);
      // A branch left from an earlier run (kept for a pull request) is never reused: the new one gets a suffix.
      const base = WorktreeManager.branchName(ticket);
      let branch = base;
      for (let n = 2; (await user.raw(['branch', '--list', branch])).trim() !== ''; n++) branch = `${base}-${n}`;
      let baseCommit: string;
      try {
        baseCommit = (await user.raw(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
      } catch (e) {
        throw new WorktreeError('noCommits', 'the repository has no commit yet; commit something first', [], { cause: e });
      }
      const fromBranch = (await user.raw(['symbolic-ref', '-q', '--short', 'HEAD']).catch(() => '')).trim() || null;
      // An untracked virtualenv is one change to a person, not its 1,266 files (tkem/cachetools with a .venv).
      const uncommitted = await statusPaths(this.repoRoot, 'normal');
      await user.raw(['worktree', 'add', '-b', branch, path, baseCommit]);
      const canonical = await realpath(path);
      if (opts.buildOn?.length) baseCommit = await buildOn(canonical, opts.buildOn);
      const meta: WorktreeMeta = { ticketId: ticket.id, branch, baseCommit, fromBranch, createdAt: new Date().toISOString(), brought: [] };
      await writeWorktreeMeta(canonical, meta);
      return { meta, canonical, uncommitted };
    });

    const copied = await this.bring(created.canonical, this.config.worktree.copy, 'copy');
    const linked = await this.bring(created.canonical, this.config.worktree.link, 'link');
    const plan = await planDependencies(this.repoRoot, created.canonical, this.config.worktree.dependencies ?? 'auto');
    // Remembered with the worktree, so every later commit (also after a resume) leaves them out.
    created.meta.brought = [...copied, ...linked, ...(plan.how === 'none' ? [] : [DEPENDENCY_FOLDER])];
    await writeWorktreeMeta(created.canonical, created.meta);
    const result: CreatedWorktree = {
      ...created.meta,
      path: created.canonical,
      repoRoot: this.repoRoot,
      dirty: created.uncommitted.length > 0,
      uncommitted: created.uncommitted,
      copied,
      linked,
    };
    const started = Date.now();
    if (plan.how === 'copy' || plan.how === 'link') await bringDependencies(this.repoRoot, created.canonical, plan.how);
    if (plan.how === 'install' && plan.command !== undefined) {
      const run = await this.runInWorktree(created.canonical, plan.command);
      if (run.exitCode !== 0) {
        throw new WorktreeError('setupFailed', `the worktree's dependencies could not be installed (${plan.why}): ${describeTestRun(run)}\n${run.output}\nInstall them in your checkout (then they are copied), or set worktree.dependencies ("copy", "link", "none") or worktree.setupCommand.`, [created.canonical]);
      }
    }
    result.dependencies = { ...plan, durationMs: Date.now() - started };
    const setupCommand = this.config.worktree.setupCommand;
    if (setupCommand !== undefined) {
      result.setup = await this.runInWorktree(created.canonical, setupCommand);
      if (result.setup.exitCode !== 0) {
        throw new WorktreeError('setupFailed', `set-up command failed: ${describeTestRun(result.setup)}\n${result.setup.output}`, [created.canonical]);
      }
    }
    if (setupCommand !== undefined) {
      // A virtualenv the set-up command made (`python3 -m venv .venv && .venv/bin/pip install -e .`) is brought like
      // a copied one: never the ticket's change, renewable, and read-only to test runs (see runTests).
      const made = (await virtualenvsIn(created.canonical)).filter((v) => !created.meta.brought.includes(v));
      created.meta.brought.push(...made);
      result.brought = created.meta.brought;
    }
    // After the set-up command: what it wrote into a copy is Shipwright's doing, not a person's.
    result.stamps = created.meta.stamps = await stampsOf(created.canonical, created.meta.brought);
    await writeWorktreeMeta(created.canonical, created.meta);
    return result;
  }

  /** Runs a set-up command (an install, `worktree.setupCommand`) in the worktree, in the sandbox, with network. */
  private async runInWorktree(worktreePath: string, command: string): Promise<TestRunResult> {
    const settings = this.config.sandbox ?? DEFAULT_SANDBOX;
    return runTestCommand({
      command,
      cwd: worktreePath,
      timeoutMs: this.config.testTimeoutMs,
      outputBudgetChars: this.config.testOutputBudgetChars,
      sandbox: await prepareSandbox({ settings, worktree: worktreePath, repoRoot: this.repoRoot }),
      network: settings.setupNetwork,
    });
  }

  /**
   * Re-creates a ticket's worktree that went missing (its folder deleted mid-run), from the ticket's branch, at
   * the same path, with the same base commit, and brings the copies/links again. Nothing else is touched: the
   * branch keeps every committed step, so a resumed run goes on from there.
   * @throws WorktreeError('exists') when something else now occupies the path, or the branch is checked out
   *   in another folder; ('notFound') when the branch itself is gone
   */
  async recreate(ticketId: string, known: WorktreeInfo): Promise<WorktreeDetails> {
    const user = gitClient(this.repoRoot);
    const meta = await serial(this.repoRoot, async () => {
      if (await pathExists(known.path)) throw new WorktreeError('exists', `${known.path} exists but is not the worktree of ${ticketId}; move it away, then resume`, [known.path]);
      const onBranch = (await user.raw(['rev-parse', '-q', '--verify', `refs/heads/${known.branch}`]).catch(() => '')).trim();
      if (onBranch === '') throw new WorktreeError('notFound', `branch ${known.branch} of ticket ${ticketId} is gone: there is nothing to resume from`);
      const elsewhere = (await this.checkouts()).find((c) => c.branch === `refs/heads/${known.branch}` && c.path !== known.path && c.present);
      if (elsewhere) throw new WorktreeError('exists', `branch ${known.branch} is checked out in ${elsewhere.path}; switch that checkout to another branch, then resume`, [elsewhere.path]);
      const old = await readStaleMeta(this.repoRoot, known.path);
      // -f: git still has the missing folder registered (and the branch checked out there).
      await user.raw(['worktree', 'add', '-f', known.path, known.branch]);
      const fresh: WorktreeMeta = { ticketId, branch: known.branch, baseCommit: known.baseCommit, fromBranch: old?.fromBranch ?? null, createdAt: old?.createdAt ?? new Date().toISOString(), brought: [] };
      await writeWorktreeMeta(known.path, fresh);
      return fresh;
    });
    const canonical = await realpath(known.path);
    meta.brought = [...(await this.bring(canonical, this.config.worktree.copy, 'copy')), ...(await this.bring(canonical, this.config.worktree.link, 'link'))];
    const plan = await planDependencies(this.repoRoot, canonical, this.config.worktree.dependencies ?? 'auto');
    if (plan.how === 'copy' || plan.how === 'link') await bringDependencies(this.repoRoot, canonical, plan.how);
    if (plan.how === 'install' && plan.command !== undefined) {
      const run = await this.runInWorktree(canonical, plan.command);
      if (run.exitCode !== 0) throw new WorktreeError('setupFailed', `the re-created worktree's dependencies could not be installed: ${describeTestRun(run)}\n${run.output}`, [canonical]);
    }
    if (plan.how !== 'none') meta.brought.push(DEPENDENCY_FOLDER);
    meta.stamps = await stampsOf(canonical, meta.brought);
    await writeWorktreeMeta(canonical, meta);
    return { ...meta, path: canonical, repoRoot: this.repoRoot };
  }

  /**
   * Starts a ticket's worktree again from the checkout's HEAD now, with its dependencies brought again, when nothing
   * in it is the ticket's or a person's: the branch still at the base commit, and no file outside what Shipwright
   * brought, tracked, untracked or ignored, but the caches a test run leaves (TEST_RUN_CACHE), and nothing it copied
   * (`worktree.copy`, node_modules) changed there since (see broughtStamp). For a resume after a set-up stop before any model call: the
   * person's fix (a commit to the test script, an install in the checkout) then reaches the worktree, which was
   * made before it. Undefined, with nothing touched, when the worktree holds anything of its own (a fix made in the
   * worktree is kept and used) or is not the ticket's worktree at `known.path`.
   * @throws WorktreeError as `create` does (the dependencies or the set-up command fail in the new worktree)
   */
  async renew(ticket: Pick<Ticket, 'id' | 'title'>, known: WorktreeInfo): Promise<CreatedWorktree | undefined> {
    const wt = await this.find(ticket.id);
    if (wt === undefined || wt.path !== known.path || wt.branch !== known.branch) return undefined;
    const head = (await gitClient(wt.path).raw(['rev-parse', '--verify', 'HEAD^{commit}'])).trim();
    if (head !== known.baseCommit) return undefined;
    const ours = (p: string): boolean => wt.brought.some((b) => p === b || p.startsWith(`${b.replace(/\/+$/, '')}/`));
    if ((await statusPaths(wt.path)).some((p) => !ours(p.replace(/\/+$/, '')))) return undefined;
    // Ignored files too (git status does not list them): a virtualenv or a `.env.local` a person made there is theirs.
    const ignored = splitNul(await gitClient(wt.path).raw(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']));
    if (ignored.some((p) => !ours(p.replace(/\/+$/, '')) && !TEST_RUN_CACHE.test(p))) return undefined;
    // A copy Shipwright brought (`worktree.copy`: `.env`, `.venv`; the copied node_modules) that someone changed
    // there since (an edit, a `pip install` or `npm install` in the worktree) is theirs too. The checkout's own copy
    // may differ and still be no reason to keep it: that can be the person's fix, which the new worktree should get.
    const now = await stampsOf(wt.path, wt.brought);
    if (wt.stamps !== undefined) {
      if (Object.entries(wt.stamps).some(([entry, stamp]) => now[entry] !== stamp)) return undefined;
    } else {
      // A worktree made before stamps were kept: a copied file that differs from the checkout's is taken as edited.
      for (const b of Object.keys(now).filter((e) => e !== DEPENDENCY_FOLDER)) {
        const [mine, theirs] = await Promise.all([readFile(join(wt.path, b)).catch(() => undefined), readFile(join(this.repoRoot, b)).catch(() => undefined)]);
        if (mine !== undefined && (theirs === undefined || !mine.equals(theirs))) return undefined;
      }
    }
    await this.remove(ticket.id, { deleteBranch: true });
    return this.create(ticket);
  }

  /** Every checkout git knows of (the user's and all worktrees), with whether its folder is there. */
  private async checkouts(): Promise<{ path: string; branch?: string; present: boolean }[]> {
    const out = await gitClient(this.repoRoot).raw(['worktree', 'list', '--porcelain', '-z']);
    const all: { path: string; branch?: string; present: boolean }[] = [];
    for (const line of out.split('\0')) {
      if (line.startsWith('worktree ')) {
        const path = line.slice('worktree '.length);
        all.push({ path, present: await pathExists(path) });
      } else if (line.startsWith('branch ') && all.length > 0) all[all.length - 1].branch = line.slice('branch '.length);
    }
    return all;
  }

  /**
   * The existing worktree of a ticket (to resume it).
   * @throws WorktreeError('notFound') when there is none
   */
  async open(ticketId: string): Promise<WorktreeDetails> {
    const found = await this.find(ticketId);
    if (found === undefined) throw new WorktreeError('notFound', `ticket ${ticketId} has no worktree`);
    return found;
  }

  /**
   * Every Shipwright worktree of this repository; with `ticketId`, only those whose branch could be that ticket's
   * (`shipwright/<id>…`), so a look-up reads one worktree's metadata, not every worktree's.
   */
  async list(ticketId?: string): Promise<WorktreeDetails[]> {
    const ours = `refs/heads/${PREFIX}${ticketId ?? ''}`;
    const out = await gitClient(this.repoRoot).raw(['worktree', 'list', '--porcelain', '-z']);
    const found: WorktreeDetails[] = [];
    let current: { path?: string; branch?: string } = {};
    // `-z`: every field ends with NUL and an empty field ends a record.
    for (const line of [...out.split('\0'), '']) {
      if (line === '') {
        // Only worktrees on our branches, and only those whose folder is still there, are ours to report.
        if (current.path !== undefined && current.branch?.startsWith(ours) && (await pathExists(current.path))) {
          const meta = await readWorktreeMeta(current.path);
          if (meta !== undefined) found.push({ ...meta, path: await realpath(current.path), repoRoot: this.repoRoot });
        }
        current = {};
      } else if (line.startsWith('worktree ')) {
        current.path = line.slice('worktree '.length);
      } else if (line.startsWith('branch ')) current.branch = line.slice('branch '.length);
    }
    return found;
  }

  /**
   * Removes a ticket's worktree (with `--force`: uncommitted work in it is discarded — on a person's request, or
   * by `renew` once it found nothing of anyone's there), and its branch too when `deleteBranch` is set.
   * @throws WorktreeError('notFound') when the ticket has no worktree
   */
  async remove(ticketId: string, opts: { deleteBranch: boolean }): Promise<void> {
    await serial(this.repoRoot, async () => {
      const wt = await this.open(ticketId);
      const git = gitClient(this.repoRoot);
      await git.raw(['worktree', 'remove', '--force', wt.path]);
      if (opts.deleteBranch) await git.raw(['branch', '-D', wt.branch]);
    });
  }

  /**
   * Deletes the branch of a ticket whose worktree folder is gone (deleted by hand, or removed after a merge): git
   * still counts the branch as checked out there until the stale entry is pruned. Only a branch of that ticket
   * (`shipwright/<id>…`) is touched; an absent branch is nothing to do.
   * @throws Error when git refuses
   */
  async removeOrphanBranch(ticketId: string, branch: string): Promise<void> {
    if (!branch.startsWith(`${PREFIX}${ticketId}`)) return;
    await serial(this.repoRoot, async () => {
      const git = gitClient(this.repoRoot);
      await git.raw(['worktree', 'prune']);
      const exists = await git.raw(['branch', '--list', branch]).then((out) => out.trim() !== '');
      if (exists) await git.raw(['branch', '-D', branch]);
    });
  }

  private async find(ticketId: string): Promise<WorktreeDetails | undefined> {
    return (await this.list(ticketId)).find((w) => w.ticketId === ticketId);
  }

  /** Copies or symlinks the entries of a list that exist in the user's tree and not yet in the worktree. */
  private async bring(worktreePath: string, entries: string[], how: 'copy' | 'link'): Promise<string[]> {
    const done: string[] = [];
    for (const entry of entries) {
      // The list is configuration, but a path leaving the repository is still a mistake worth not following.
      if (isAbsolute(entry) || entry.split(/[\\/]/).includes('..')) continue;
      const from = join(this.repoRoot, entry);
      const to = join(worktreePath, entry);
      if (!(await pathExists(from)) || (await pathExists(to))) continue;
      await mkdir(dirname(to), { recursive: true });
      if (how === 'copy') await cp(from, to, { recursive: true, verbatimSymlinks: true });
      else await symlink(from, to);
      done.push(entry);
    }
    return done;
  }
}

/**
 * The ignored top-level folders of a worktree that are Python virtual environments (they hold `pyvenv.cfg`,
 * PEP 405: https://peps.python.org/pep-0405/), worktree-relative.
 */
async function virtualenvsIn(worktreePath: string): Promise<string[]> {
  const ignored = splitNul(await gitClient(worktreePath).raw(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']));
  const top = [...new Set(ignored.map((p) => p.replace(/\/+$/, '')).filter((p) => p !== '' && !p.includes('/')))];
  const envs: string[] = [];
  for (const dir of top) if (await pathExists(join(worktreePath, dir, 'pyvenv.cfg'))) envs.push(dir);
  return envs;
}

/** The fingerprints (broughtStamp) of the brought entries that are copies; links have none. */
async function stampsOf(worktreePath: string, brought: readonly string[]): Promise<Record<string, string>> {
  const stamps: Record<string, string> = {};
  for (const entry of brought) {
    const stamp = await broughtStamp(join(worktreePath, entry));
    if (stamp !== undefined) stamps[entry] = stamp;
  }
  return stamps;
}

/** What a test run leaves in a worktree by itself (caches and reports; see testRunCaches), which renew may throw away. */
const TEST_RUN_CACHE = new RegExp(`(^|/)(${[...TEST_RUN_CACHES, ...TEST_RUN_REPORTS].map((c) => c.replace(/\./g, '\\.')).join('|')})/?$`);

/**
 * Paths with uncommitted changes in a checkout (staged, unstaged, untracked), read without taking locks.
 * `untracked: 'normal'` lists an untracked folder once (`.venv/`) instead of every file in it (git status's modes).
 */
export async function statusPaths(dir: string, untracked: 'all' | 'normal' = 'all'): Promise<string[]> {
  const out = await gitClient(dir).raw(['status', '--porcelain=v1', '-z', `--untracked-files=${untracked}`]);
  const paths: string[] = [];
  const fields = splitNul(out);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    paths.push(f.slice(3));
    // A rename/copy entry is followed by its source path as a field of its own.
    if (f[0] === 'R' || f[0] === 'C') i++;
  }
  return paths;
}

