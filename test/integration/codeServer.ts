import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file runs from `out/test/integration/`). */
export const repoRoot = resolve(__dirname, '..', '..', '..');

/** The code-server version `scripts/install-code-server.sh` installs (VS Code 1.100.3, the last on Node 20). */
const CODE_SERVER_VERSION = '4.100.3';

/**
 * Where `scripts/install-code-server.sh` installs code-server: `$SHIPWRIGHT_CODE_SERVER_DIR`, else
 * `${XDG_CACHE_HOME:-~/.cache}/shipwright/code-server-4.100.3`. Outside the repository on purpose: the repository
 * is loaded as the extension under development, and code-server's built-in extensions inside that folder are then
 * not found as built-ins (no colour theme but Light+). Keep in step with the install script.
 */
export function codeServerDir(): string {
  return process.env.SHIPWRIGHT_CODE_SERVER_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'shipwright', `code-server-${CODE_SERVER_VERSION}`);
}

/** code-server's entry point in `codeServerDir()`. */
export const codeServerEntry = join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/** A running code-server. `url` is `http://127.0.0.1:PORT/` (with the trailing slash). */
export interface CodeServer {
  url: string;
  port: number;
  /** The fresh folder holding this run's user data, extensions, TMPDIR and XDG folders. */
  home: string;
  /** Everything code-server printed, for a failure message. */
  output(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes `home` unless `keepHome`. */
  stop(opts?: { keepHome?: boolean }): Promise<void>;
}

/** Options of `startCodeServer`. */
export interface CodeServerOptions {
  /** The folder the workbench opens (absolute path). */
  workspace: string;
  /** Extra environment for the server and so for its extension host (e.g. where to write test results). */
  env?: Record<string, string>;
  /** Extra user settings merged over the fixed test settings. */
  settings?: Record<string, unknown>;
  /** Leave workspace trust on (default off: `--disable-workspace-trust`). */
  workspaceTrust?: boolean;
  /** A `.vsix` to install into this run's extensions folder before the server starts. */
  installVsix?: string;
  /** How long to wait for the listening line, ms (default 60 000). */
  startTimeoutMs?: number;
}

/** The user settings every test run starts from (testing-with-real-parts.md, section 2). */
const baseSettings = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
};

/**
 * Starts code-server on 127.0.0.1 with an OS-chosen port and fresh dirs and environment, and resolves when it
 * prints `HTTP server listening on http://127.0.0.1:PORT/`. Webviews need a secure context, hence 127.0.0.1 only.
 * Throws when code-server is not installed (run `scripts/install-code-server.sh`), exits early, or does not
 * listen within `startTimeoutMs`.
 */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(codeServerEntry)) {
    throw new Error(`code-server is not installed at ${codeServerEntry}: run scripts/install-code-server.sh`);
  }
  const home = mkdtempSync(join(tmpdir(), 'shipwright-cs-'));
  const dirs = {
    user: join(home, 'user'),
    ext: join(home, 'ext'),
    tmp: join(home, 'tmp'),
    runtime: join(home, 'runtime'),
    data: join(home, 'data'),
    config: join(home, 'config'),
    cache: join(home, 'cache'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true, mode: 0o700 });
  mkdirSync(join(dirs.user, 'User'), { recursive: true });
  const settings: Record<string, unknown> = { ...baseSettings, ...opts.settings };
  if (opts.workspaceTrust) settings['security.workspace.trust.enabled'] = true;
  writeFileSync(join(dirs.user, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  writeFileSync(join(home, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: dirs.tmp,
    XDG_RUNTIME_DIR: dirs.runtime,
    XDG_DATA_HOME: dirs.data,
    XDG_CONFIG_HOME: dirs.config,
    XDG_CACHE_HOME: dirs.cache,
    EXTENSIONS_GALLERY: '{}',
    ...opts.env,
  };
  // A code-server started from a VS Code terminal would otherwise hand its arguments to that VS Code.
  delete env.VSCODE_IPC_HOOK_CLI;

  if (opts.installVsix) {
    execFileSync(process.execPath, [codeServerEntry, '--config', join(home, 'config.yaml'), '--user-data-dir', dirs.user, '--extensions-dir', dirs.ext, '--install-extension', opts.installVsix], { env, stdio: 'pipe' });
  }
  const args = [
    codeServerEntry,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--config', join(home, 'config.yaml'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', dirs.user,
    '--extensions-dir', dirs.ext,
  ];
  if (!opts.workspaceTrust) args.push('--disable-workspace-trust');
  args.push(opts.workspace);

  // Its own process group, so stopping it also stops the extension host and watchers it started.
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const url = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`code-server did not listen within ${opts.startTimeoutMs ?? 60_000} ms:\n${output}`)),
      opts.startTimeoutMs ?? 60_000,
    );
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolvePromise(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (code ${code}, signal ${signal}) before listening:\n${output}`));
    });
  }).catch(async (err: unknown) => {
    await stopChild(child);
    rmSync(home, { recursive: true, force: true });
    throw err;
  });

  return {
    url,
    port: Number(new URL(url).port),
    home,
    output: () => output,
    async stop(stopOpts) {
      await stopChild(child);
      if (!stopOpts?.keepHome) rmSync(home, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** SIGTERM to the server's process group, then SIGKILL when the server has not exited after 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  const group = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((done) => {
      const timer = setTimeout(() => group('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(timer);
        done();
      });
      group('SIGTERM');
    });
  }
  group('SIGKILL'); // children that outlived the server (extension host, watchers)
}
