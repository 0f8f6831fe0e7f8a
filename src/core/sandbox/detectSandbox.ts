import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Whether bubblewrap can confine commands here: its path and version, or why not and what to do. */
export type SandboxAvailability =
  | { ok: true; bwrap: string; version: string }
  | { ok: false; platform: NodeJS.Platform; reason: string; advice: string };

/** How to install bubblewrap, per distribution family (package name `bubblewrap` in Debian, Fedora, Arch, Alpine, openSUSE). */
export const INSTALL_BWRAP = 'install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`; '
  + 'Arch: `sudo pacman -S bubblewrap`; Alpine: `apk add bubblewrap`)';

const OFF_HINT = 'or set `"sandbox": "off"` in .shipwright/config.json to run the test and set-up commands unconfined, with your rights and files';

let cached: Promise<SandboxAvailability> | undefined;

/**
 * Finds bubblewrap on PATH and proves it can start a sandbox (`bwrap --ro-bind / / --unshare-all --cap-drop ALL
 * true`): on some systems it is installed but user namespaces are blocked (Ubuntu ≥ 23.10 restricts them with
 * AppArmor, `kernel.apparmor_restrict_unprivileged_userns`). Only Linux has bubblewrap. Cached per process;
 * `fresh` probes again. Never throws.
 */
export function detectSandbox(opts: { fresh?: boolean; path?: string } = {}): Promise<SandboxAvailability> {
  if (cached === undefined || opts.fresh === true || opts.path !== undefined) cached = probe(opts.path ?? process.env.PATH ?? '');
  return cached;
}

async function probe(pathVar: string): Promise<SandboxAvailability> {
  const platform = process.platform;
  if (platform !== 'linux') {
    return { ok: false, platform, reason: `${platform === 'darwin' ? 'macOS' : platform} has no bubblewrap`, advice: 'the test and set-up commands run unconfined, with your rights, your files and your network' };
  }
  const bwrap = await findOnPath('bwrap', pathVar);
  if (bwrap === undefined) return { ok: false, platform, reason: 'bubblewrap (`bwrap`) is not installed', advice: `${INSTALL_BWRAP}, ${OFF_HINT}` };
  const version = await run(bwrap, ['--version']);
  if (!version.ok) return { ok: false, platform, reason: `\`${bwrap} --version\` failed: ${version.text}`, advice: `${INSTALL_BWRAP}, ${OFF_HINT}` };
  const trial = await run(bwrap, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-all', '--cap-drop', 'ALL', '--die-with-parent', '--', 'true']);
  if (!trial.ok) {
    return {
      ok: false, platform,
      reason: `bubblewrap is installed but cannot start a sandbox: ${trial.text.trim()}`,
      advice: 'allow unprivileged user namespaces (on Ubuntu: an AppArmor profile for bwrap, or `sysctl kernel.apparmor_restrict_unprivileged_userns=0`), ' + OFF_HINT,
    };
  }
  return { ok: true, bwrap, version: version.text.trim() };
}

async function findOnPath(name: string, pathVar: string): Promise<string | undefined> {
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

function run(file: string, args: string[]): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, (err, stdout, stderr) => {
      resolve({ ok: err === null, text: err === null ? stdout : `${stderr || err.message}` });
    });
  });
}
