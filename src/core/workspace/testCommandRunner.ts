import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';
import { shellLaunch, type CommandSandbox } from '../sandbox/commandSandbox';
import { redactSecrets } from '../secrets/redactSecrets';
import { HeadTailBuffer } from './trimOutput';

/** What one run of the project's test command (or set-up command) gave. */
export interface TestRunResult {
  /** The command as run (a shell string). */
  command: string;
  /** Exit code; null when the process was killed by a signal (timeout, cancel). */
  exitCode: number | null;
  timedOut: boolean;
  /** True when the run was stopped by the caller's AbortSignal. */
  cancelled: boolean;
  /** stdout and stderr interleaved in arrival order, trimmed to the budget (head and tail kept), secrets redacted. */
  output: string;
  /** Credentials found and redacted in the output (see redactSecrets). */
  redacted: number;
  /** True when the command ran inside the sandbox. */
  confined: boolean;
  /**
   * Every line of the whole output that matched `keepLines` (when asked for), secrets redacted, at most
   * {@link KEPT_LINES_MAX_CHARS}: what the trimmed `output` may have cut from the middle of a long run. In order
   * within each stream, stdout's lines first.
   */
  resultLines?: string;
  /** True when lines matching `keepLines` were left out of `resultLines` at its cap: it is not the whole run. */
  resultLinesTruncated?: boolean;
  /** Characters the command printed in all, before trimming. */
  outputChars: number;
  /** Wall time, ms. */
  durationMs: number;
}

/** Options of one run. */
export interface TestRunOptions {
  /** A shell command line, from configuration or detection; never from a model. */
  command: string;
  /** Working directory: the ticket's worktree. */
  cwd: string;
  /** Timeout, ms. After it the whole process group gets SIGTERM, then SIGKILL 2 s later. */
  timeoutMs: number;
  /** Characters of output kept (head and tail). */
  outputBudgetChars: number;
  signal?: AbortSignal;
  /**
   * Where the command runs (see prepareSandbox). The engine always passes one; without it the command runs in
   * a plain shell with the engine's whole environment (kept for tests of the runner itself).
   */
  sandbox?: CommandSandbox;
  /** Exact values to redact from the output besides the known shapes (the worktree's secret-file values). */
  knownSecrets?: readonly string[];
  /** Network inside the sandbox (settings.network for tests, settings.setupNetwork for set-up). */
  network?: boolean;
  /** Lines of the whole output to keep apart from the trimmed output (the judge's test-result lines). */
  keepLines?: RegExp;
}

/** The most characters of kept lines (about 20,000 test names): memory stays bounded on any run. */
export const KEPT_LINES_MAX_CHARS = 2_000_000;
/**
 * Only this much of a line is kept and tested: the judge's patterns backtrack, and a line of megabytes (a progress
 * bar of `\r`s, model-written output) would cost seconds per test; a result line's name is at its start.
 */
const KEPT_LINE_MAX_CHARS = 4_096;

/**
 * Collects the lines of a stream that match `pattern` (chunks may end mid-line), colour codes removed first, up to
 * {@link KEPT_LINES_MAX_CHARS}; `truncated` once a matching line did not fit. Each chunk is scanned once; a line
 * is cut to its first {@link KEPT_LINE_MAX_CHARS} as it grows, so neither time nor memory depends on line length.
 */
class LineKeeper {
  private partial = '';
  private tooLong = false;
  private readonly kept: string[] = [];
  private chars = 0;
  truncated = false;

  constructor(private readonly pattern: RegExp) {}

  push(chunk: string): void {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      this.grow(chunk.slice(from, nl));
      this.end();
      from = nl + 1;
    }
    this.grow(chunk.slice(from));
  }

  text(): string {
    this.end();
    return this.kept.join('\n');
  }

  private grow(piece: string): void {
    if (this.tooLong) return;
    if (this.partial.length + piece.length > KEPT_LINE_MAX_CHARS) {
      // Its start is kept: a test's name comes first (`FAILED tests/x.py::test_new - ValueError: <5,000 chars>`).
      this.partial = (this.partial + piece).slice(0, KEPT_LINE_MAX_CHARS);
      this.tooLong = true;
      return;
    }
    this.partial += piece;
  }

  private end(): void {
    const raw = this.partial;
    this.partial = '';
    this.tooLong = false;
    if (raw === '') return;
    const line = stripVTControlCharacters(raw).replace(/\r$/, '');
    if (!this.pattern.test(line)) return;
    if (this.truncated || this.chars + line.length > KEPT_LINES_MAX_CHARS) {
      this.truncated = true;
      return;
    }
    this.kept.push(line);
    this.chars += line.length + 1;
  }
}

/** Time between SIGTERM and SIGKILL, and how long to wait for pipes held open by escaped grandchildren, ms. */
const GRACE_MS = 2_000;

/**
 * Runs a command in a shell in its own process group (POSIX: `detached`, so `kill(-pid)` reaches the test
 * runner's children too — `npm test` → node → workers). `CI=true` and `NO_COLOR=1` keep runners out of watch
 * mode and colour codes out of the output a model reads; what still comes (ANSI/VT escape sequences from
 * runners that ignore NO_COLOR) is stripped before anyone reads it. Never throws for a failing command: a spawn failure
 * is reported as exit code 127 with the error in `output`.
 */
export function runTestCommand(opts: TestRunOptions): Promise<TestRunResult> {
  const started = Date.now();
  const out = new HeadTailBuffer(opts.outputBudgetChars);
  // One per stream: their chunks interleave, and a line split across two chunks must be joined within its stream.
  const keepers = opts.keepLines === undefined ? undefined : [new LineKeeper(opts.keepLines), new LineKeeper(opts.keepLines)] as const;
  return new Promise((resolve) => {
    const launch = opts.sandbox?.launch(opts.command, { network: opts.network ?? false })
      ?? shellLaunch(opts.command, { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' });
    const child = spawn(launch.file, launch.args, {
      cwd: opts.cwd,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: launch.env,
      windowsVerbatimArguments: process.platform === 'win32',
    });
    let timedOut = false;
    let cancelled = false;
    let settled = false;
    let exitCode: number | null = null;
    const timers: NodeJS.Timeout[] = [];

    const finish = (): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      opts.signal?.removeEventListener('abort', onAbort);
      // Runners that ignore NO_COLOR (nyc's coverage summary, some reporters) still colour: escape sequences are
      // noise to the model, break the judge's failure patterns and make deliverables look binary to git.
      const clean = redactSecrets(stripVTControlCharacters(out.text()), process.env, opts.knownSecrets);
      const kept = keepers === undefined ? undefined : redactSecrets(keepers.map((k) => k.text()).filter((t) => t !== '').join('\n'), process.env, opts.knownSecrets).text;
      const truncated = keepers?.some((k) => k.truncated) === true ? true : undefined;
      resolve({
        command: opts.command,
        exitCode,
        timedOut,
        cancelled,
        output: clean.text,
        resultLines: kept,
        resultLinesTruncated: truncated,
        redacted: clean.redacted,
        confined: opts.sandbox?.confined ?? false,
        outputChars: out.totalChars,
        durationMs: Date.now() - started,
      });
    };
    const killGroup = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32') child.kill(sig);
        else process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const stop = (): void => {
      killGroup('SIGTERM');
      timers.push(setTimeout(() => killGroup('SIGKILL'), GRACE_MS));
    };
    const onAbort = (): void => {
      cancelled = true;
      stop();
    };

    child.stdout.setEncoding('utf8').on('data', (d: string) => { out.push(d); keepers?.[0].push(d); });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { out.push(d); keepers?.[1].push(d); });
    child.on('error', (err) => {
      out.push(`\n[could not start the command: ${err.message}]\n`);
      exitCode = 127;
      finish();
    });
    child.on('exit', (code) => {
      exitCode = code;
      // A grandchild that left the process group may hold the pipes open: do not wait for it forever.
      timers.push(setTimeout(() => { child.stdout.destroy(); child.stderr.destroy(); finish(); }, GRACE_MS));
    });
    child.on('close', finish);

    timers.push(setTimeout(() => { timedOut = true; stop(); }, opts.timeoutMs));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort);
  });
}

/** One line for people and events: `exit 1 in 2.3 s`, `timed out after 300 s`. */
export function describeTestRun(r: TestRunResult): string {
  const secs = (r.durationMs / 1000).toFixed(1);
  if (r.timedOut) return `\`${r.command}\` timed out after ${secs} s`;
  if (r.cancelled) return `\`${r.command}\` cancelled after ${secs} s`;
  return `\`${r.command}\` exited ${r.exitCode ?? 'by signal'} in ${secs} s`;
}
