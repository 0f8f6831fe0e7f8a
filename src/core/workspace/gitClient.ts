import { spawn } from 'node:child_process';

/**
 * The engine's git: one `git` process per call, in one directory, resolved as soon as the process has closed.
 *
 * Why not simple-git: simple-git 3.36's `completionDetectionPlugin` waits a fixed 50 ms after every git command
 * that printed nothing (`add`, `commit -q`, `status` on a clean tree…), whatever its `completion` option says
 * (`if (deferClose) await delay(50)`, dist/cjs/index.js). It guards against reading stdout before it is flushed
 * when only `exit` is awaited (steveukx/git-js#680). Node's `close` event comes after the process exited *and*
 * its stdio streams closed (nodejs.org/api/child_process.html#event-close), so waiting for `close` alone is exact
 * and needs no sleep. Measured: that wait was 53 % of a small repository's ticket (perf-2026-11.md §4.1).
 */
export interface GitClient {
  /** `git <args>`'s stdout. @throws GitCommandError as described on {@link gitClient} */
  raw(args: string[]): Promise<string>;
  /** `git <args>`'s stdout as bytes, with `input` written to its stdin (e.g. `cat-file --batch`). */
  rawWithInput(args: string[], input: string): Promise<Buffer>;
  /** `git rev-parse <args>`'s stdout, trimmed. */
  revparse(args: string[]): Promise<string>;
  /** `git show <args>`'s stdout. */
  show(args: string[]): Promise<string>;
  /** `git cat-file <args>`'s stdout as bytes (blobs may be binary). */
  binaryCatFile(args: string[]): Promise<Buffer>;
}

/** A git command that failed: `git` could not start, or it exited non-zero and wrote to stderr. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    /** The arguments after `git` and the `-c` settings. */
    readonly args: readonly string[],
    /** Exit code; undefined when git could not start. */
    readonly exitCode: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GitCommandError';
  }
}

/**
 * A git client for one directory.
 *
 * `hooks: false` (the default) points `core.hooksPath` at `/dev/null` for the engine's own git calls in a
 * ticket's worktree: the user's hooks (husky, lint-staged…) were written for their checkout, may need installed
 * dependencies the worktree only links, and must not run on commits the engine makes.
 * `GIT_OPTIONAL_LOCKS=0` (git(1)) keeps read commands such as `git status` from refreshing and rewriting the
 * index, so reading the user's repository never writes to it. `GIT_TERMINAL_PROMPT=0`: never wait for a password.
 * `env` adds variables on purpose (e.g. `GIT_INDEX_FILE` for a private index).
 *
 * Errors keep simple-git's rule, which callers were written against: a call fails when git cannot start, or when
 * it exits non-zero *and* printed to stderr (the message is stdout + stderr). A non-zero exit with a silent stderr
 * is an answer, not an error (`git merge-tree --write-tree` exits 1 on conflicts and lists them on stdout).
 */
export function gitClient(dir: string, opts: { hooks?: boolean; env?: Record<string, string> } = {}): GitClient {
  const config = ['-c', 'core.quotePath=false'];
  if (opts.hooks !== true) config.push('-c', 'core.hooksPath=/dev/null');
  // Built at the first command, not with the client: many clients are made for a check that git never runs.
  let env: NodeJS.ProcessEnv | undefined;
  const run = (args: string[], input?: string): Promise<Buffer> => {
    env ??= { ...gitEnv(), GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', ...opts.env };
    return runGit(dir, [...config, ...args], args, env, input);
  };
  return {
    raw: async (args) => (await run(args)).toString('utf8'),
    rawWithInput: (args, input) => run(args, input),
    revparse: async (args) => (await run(['rev-parse', ...args])).toString('utf8').trim(),
    show: async (args) => (await run(['show', ...args])).toString('utf8'),
    binaryCatFile: (args) => run(['cat-file', ...args]),
  };
}

function runGit(cwd: string, argv: string[], args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = input === undefined
      ? spawn('git', argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
      : spawn('git', argv, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    // A git that exits before reading all of its input (an error) closes the pipe: EPIPE is its answer, not ours.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitCommandError(`git ${args.join(' ')} could not start in ${cwd}: ${e.message}`, args, undefined, { cause: e })));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      const stderr = Buffer.concat(err);
      if (code !== 0 && stderr.length > 0) {
        reject(new GitCommandError(Buffer.concat([stdout, stderr]).toString('utf8'), args, code ?? undefined));
      } else resolve(stdout);
    });
  });
}

/** Environment variables outside `GIT_*` that git's callers conventionally do not pass on (simple-git's list). */
const REFUSED = new Set(['editor', 'pager', 'prefix', 'ssh_askpass']);

/**
 * The process environment without any `GIT_*` variable and without those above: a `GIT_DIR`, `GIT_WORK_TREE` or
 * `GIT_INDEX_FILE` inherited from a hook would point git at the user's checkout; an editor or pager would wait.
 */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    const lower = k.toLowerCase();
    if (v === undefined || lower.startsWith('git_') || REFUSED.has(lower)) continue;
    env[k] = v;
  }
  return env;
}

/**
 * Splits the NUL-separated output of `-z` git commands, dropping the empty tail.
 */
export function splitNul(out: string): string[] {
  return out.split('\0').filter((s) => s.length > 0);
}
