import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { detectSandbox, type SandboxAvailability } from './detectSandbox';
import { gitReadPaths } from './gitReadPaths';
import { rustupAccess } from './rustupAccess';
import { sandboxEnv } from './sandboxEnv';
import { SandboxError } from './sandboxError';
import type { SandboxSettings } from './sandboxSettings';

/** How to start one command: a file, its arguments, its environment (never a shell string to interpret). */
export interface Launch {
  file: string;
  args: string[];
  env: Record<string, string>;
}

/** A prepared sandbox for one worktree: turns a shell command line into a Launch. */
export interface CommandSandbox {
  /** True when bubblewrap confines the commands. */
  confined: boolean;
  /** One line for people: how commands run (confined, or unconfined and why). */
  description: string;
  /** The launch of `command` (a shell command line from configuration), with or without network. */
  launch(command: string, opts: { network: boolean }): Launch;
}

/** What a sandbox is prepared from. `home` and `availability` default to the real ones (tests pass their own). */
export interface SandboxInput {
  settings: SandboxSettings;
  /** Canonical path of the ticket's worktree: the only place the command may write (with a private /tmp). */
  worktree: string;
  /** Canonical path of the user's checkout: hidden (its `.env`, its `.git`), except symlink targets read back. */
  repoRoot: string;
  home?: string;
  availability?: SandboxAvailability;
  /**
   * Existing worktree files and folders (worktree-relative) bound read-only: the frozen tests (a run may not
   * rewrite its own judge) and the dependencies Shipwright copied in (see SandboxSettings.writableDependencies).
   */
  readOnly?: readonly string[];
  /** Existing worktree folders (worktree-relative) inside `readOnly` ones made writable again, empty for each run: runners' caches. */
  writable?: readonly string[];
}

/** Folders hidden under an empty tmpfs in every sandbox besides the home, the checkout and the worktrees folder. */
const ALWAYS_HIDDEN = ['/home', '/root', '/tmp', '/var/tmp', '/run', '/mnt', '/media'];

/**
 * Prepares the sandbox of a worktree. With bubblewrap (settings.mode `auto`, Linux, a working `bwrap`) every
 * command runs as `bwrap … -- /bin/sh -c <command>` with:
 * - the system read-only (`--ro-bind / /`), a fresh /dev and /proc, a private empty /tmp;
 * - the user's home, /home, /root, /run, the user's checkout and the other worktrees hidden (empty tmpfs), then
 *   read back read-only: PATH folders (a version manager's whole folder for its `shims`; for rustup's proxies, the
 *   rustup home and the cargo home's registry, see rustupAccess) and the node installation found there, targets of the worktree's top-level
 *   symlinks (a linked node_modules), `paths.read`, what git needs of the repository (gitReadPaths: a test can
 *   run `git status` or `git log` but not move a ref); `paths.write` read-write;
 * - the worktree read-write, as its own mount: `link(2)` across mounts fails (EXDEV), so a test cannot hard-link
 *   an outside file into the worktree for a later edit to write through; its `.git` file read-only, so a test
 *   cannot point the engine's next git call at a git dir of its making; `readOnly` entries (the frozen tests, the
 *   copied dependencies) too, with the `writable` folders inside them (runners' caches) an empty tmpfs each run;
 * - every namespace unshared (`--unshare-all`; the network is shared back only when allowed), all capabilities
 *   dropped (as root, bwrap otherwise keeps them, and `umount` would uncover the hidden folders), a new session
 *   (no TIOCSTI into the engine's terminal), `--die-with-parent`; the PID namespace ends every process the
 *   command left behind when it exits;
 * - the environment of {@link sandboxEnv}, with RUSTUP_HOME, CARGO_HOME and RUSTUP_AUTO_INSTALL=0 when rustup's
 *   proxies are on PATH (rustupAccess), and without network no download retries (withoutNetworkRetries).
 * `mode: off`, and platforms without bubblewrap (macOS, Windows), run unconfined with the cleaned environment.
 * Source for bwrap's flags: bwrap(1), bubblewrap 0.8.
 * @throws SandboxError('unavailable') on Linux with mode `auto` when bubblewrap is missing or cannot start, with
 *   how to install it
 */
export async function prepareSandbox(input: SandboxInput): Promise<CommandSandbox> {
  const home = input.home ?? homedir();
  const { settings } = input;
  if (settings.mode === 'off') return unconfined(settings, `the sandbox is off in the configuration: commands run unconfined, with your rights, files and network`);
  const availability = input.availability ?? (await detectSandbox());
  if (!availability.ok) {
    if (availability.platform === 'linux') throw new SandboxError('unavailable', `cannot confine the test and set-up commands: ${availability.reason}; ${availability.advice}`);
    return unconfined(settings, `${availability.reason}: ${availability.advice}`);
  }

  const hidden = await existingDirs([home, ...ALWAYS_HIDDEN, input.repoRoot, dirname(input.worktree)].filter(hideable));
  const hides = outermost(hidden);
  const inHidden = (p: string): boolean => hides.some((h) => within(h, p));
  const readBack = new Set<string>();
  const toolchainEnv: Record<string, string> = {};
  const tooWide = (p: string): boolean => [home, ...hides].some((n) => within(p, n));
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const real = await realpath(dir).catch(() => undefined);
    if (real === undefined || within(input.worktree, real)) continue;
    // Also outside the hidden folders (`/usr/local/cargo/bin`): the proxies need RUSTUP_HOME named either way. The
    // first on PATH is the one the shell runs.
    const rustup = Object.keys(toolchainEnv).length > 0 ? undefined : await rustupAccess(real, { home, env: process.env, tooWide });
    if (rustup !== undefined) {
      for (const p of rustup.read) if (inHidden(p)) readBack.add(p);
      Object.assign(toolchainEnv, rustup.env);
    }
    if (!inHidden(real)) continue;
    readBack.add((await versionManagerRoot(real, [home, ...hides])) ?? real);
  }
  const node = await nodePrefix();
  if (node !== undefined && inHidden(node)) readBack.add(node);
  for (const target of await symlinkTargets(input.worktree)) if (!within(input.worktree, target)) readBack.add(target);
  for (const p of settings.paths.read) readBack.add(p);
  // git works in the worktree (a test may call `git rev-parse`): the repository's data it needs, read-only.
  for (const p of await gitReadPaths(input.worktree, input.repoRoot)) if (inHidden(p)) readBack.add(p);
  const resolv = await realpath('/etc/resolv.conf').catch(() => undefined);
  const gitFile = join(input.worktree, '.git');
  const protect: string[] = [];
  for (const p of [gitFile, ...(input.readOnly ?? []).map((r) => join(input.worktree, r))]) {
    // Only regular files and folders inside the worktree: a symlink could name any place to bind.
    const st = await lstat(p).catch(() => undefined);
    if (st !== undefined && (st.isFile() || st.isDirectory()) && within(input.worktree, p)) protect.push(p);
  }
  const reopen: string[] = [];
  for (const p of (input.writable ?? []).map((r) => join(input.worktree, r))) {
    const st = await lstat(p).catch(() => undefined);
    if (st !== undefined && st.isDirectory() && within(input.worktree, p)) reopen.push(p);
  }

  const mounts = (network: boolean): string[] => [
    '--ro-bind', '/', '/',
    '--dev', '/dev',
    '--proc', '/proc',
    ...hides.flatMap((h) => ['--tmpfs', h]),
    ...[...readBack].flatMap((p) => ['--ro-bind-try', p, p]),
    // With the network on, DNS needs resolv.conf's target, which often lives in the hidden /run.
    ...(network && resolv !== undefined && inHidden(resolv) ? ['--ro-bind-try', resolv, resolv] : []),
    ...settings.paths.write.flatMap((p) => ['--bind-try', p, p]),
    '--bind', input.worktree, input.worktree,
    ...protect.flatMap((p) => ['--ro-bind', p, p]),
    // Empty for each run: a cache entry one run planted (babel's, keyed by a file's mtime) cannot judge the next.
    ...reopen.flatMap((p) => ['--tmpfs', p]),
  ];
  const { bwrap } = availability;
  return {
    confined: true,
    description: `commands run in bubblewrap (${availability.version}): only the worktree and a private /tmp are writable, your home is hidden`,
    launch: (command, opts) => ({
      file: bwrap,
      args: [
        ...mounts(opts.network),
        '--unshare-all', ...(opts.network ? ['--share-net'] : []),
        '--cap-drop', 'ALL', '--new-session', '--die-with-parent',
        '--chdir', input.worktree,
        '--', '/bin/sh', '-c', command,
      ],
      env: withoutNetworkRetries({ ...toolchainEnv, ...sandboxEnv({ confined: true, home, allow: settings.env }) }, opts.network),
    }),
  };
}

/**
 * Without network, npm would retry a download for about a minute (npx of a runner the project lacks) before it
 * fails: `npm_config_fetch_retries=0` makes it fail at once (EAI_AGAIN), which the test judge reads as a missing
 * runner. cargo retries a failed download 3 times too (`net.retry`, env `CARGO_NET_RETRY`,
 * https://doc.rust-lang.org/cargo/reference/config.html#netretry; measured: 11 s for one missing crate with cargo
 * 1.95): `CARGO_NET_RETRY=0`. What they may fetch is unchanged (a registry on the sandbox's loopback still works);
 * a value the project passes through `sandbox.env` wins.
 */
function withoutNetworkRetries(env: Record<string, string>, network: boolean): Record<string, string> {
  if (network) return env;
  const set = new Set(Object.keys(env).map((k) => k.toLowerCase()));
  return {
    ...env,
    ...(set.has('npm_config_fetch_retries') ? {} : { npm_config_fetch_retries: '0' }),
    ...(set.has('cargo_net_retry') ? {} : { CARGO_NET_RETRY: '0' }),
  };
}

function unconfined(settings: SandboxSettings, why: string): CommandSandbox {
  return {
    confined: false,
    description: why,
    launch: (command) => shellLaunch(command, sandboxEnv({ confined: false, home: homedir(), allow: settings.env })),
  };
}

/**
 * A command line run by the platform's shell, as Node's `shell: true` does it (`/bin/sh -c`, or
 * `cmd.exe /d /s /c "…"` with verbatim arguments on Windows).
 */
export function shellLaunch(command: string, env: Record<string, string | undefined>): Launch {
  const clean = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  if (process.platform === 'win32') return { file: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`], env: clean };
  return { file: '/bin/sh', args: ['-c', command], env: clean };
}

/** Never hide `/` or a top-level system folder: a worktree root configured as `/srv` must not hide /srv's siblings' system. */
function hideable(p: string): boolean {
  return isAbsolute(p) && (ALWAYS_HIDDEN.includes(p) || p.split(sep).filter((s) => s !== '').length >= 2);
}

async function existingDirs(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const p of paths) {
    const real = await realpath(p).catch(() => undefined);
    if (real !== undefined && hideable(real) && (await stat(real)).isDirectory()) found.push(real);
  }
  return found;
}

/** The folders of `dirs` not inside another of them. */
function outermost(dirs: string[]): string[] {
  const unique = [...new Set(dirs)];
  return unique.filter((d) => !unique.some((o) => o !== d && within(o, d)));
}

function within(parent: string, p: string): boolean {
  const r = relative(parent, p);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/** Canonical targets of the worktree's top-level symlinks (a linked node_modules, venv…). */
async function symlinkTargets(worktree: string): Promise<string[]> {
  const targets: string[] = [];
  for (const e of await readdir(worktree, { withFileTypes: true })) {
    if (!e.isSymbolicLink()) continue;
    const real = await realpath(join(worktree, e.name)).catch(() => undefined);
    if (real !== undefined) targets.push(real);
  }
  return targets;
}

/**
 * The folder of a version manager whose `shims` folder is on PATH (pyenv, rbenv, nodenv, goenv, asdf:
 * `~/.pyenv/shims`): a shim runs the manager's own code and the chosen version from the folder above it
 * (`~/.pyenv/libexec`, `~/.pyenv/versions`, asdf's `installs`), so without it every shim exits 127. Only a folder
 * named as those managers name theirs (`.pyenv`, `.rbenv`, `.asdf`…) that holds one of those, and never the home
 * or a hidden root itself (`~/shims` must not make the whole home readable, `~/.local/shims` not all of `~/.local`).
 * Undefined otherwise.
 */
async function versionManagerRoot(shims: string, never: readonly string[]): Promise<string | undefined> {
  if (basename(shims) !== 'shims') return undefined;
  const root = dirname(shims);
  if (!/^\.(?:[a-z]+env|asdf)$/.test(basename(root)) || never.some((n) => within(root, n))) return undefined;
  for (const inside of ['libexec', 'versions', 'installs']) {
    if ((await lstat(join(root, inside)).catch(() => undefined))?.isDirectory()) return root;
  }
  return undefined;
}

/** The installation folder of the `node` found on PATH (`<prefix>/bin/node` → `<prefix>`): npm lives beside it. */
async function nodePrefix(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const real = await realpath(join(dir, 'node')).catch(() => undefined);
    if (real !== undefined) return dirname(dirname(real));
  }
  return undefined;
}
