import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';

/** What a command in the sandbox needs to run a rustup toolchain found on PATH. */
export interface RustupAccess {
  /** Canonical folders to read back read-only: the rustup home, the cargo home's `registry` and `git` (those that exist). */
  read: string[];
  /** `RUSTUP_HOME`, `CARGO_HOME` (canonical paths; CARGO_HOME only when known) and `RUSTUP_AUTO_INSTALL=0`. */
  env: Record<string, string>;
}

/**
 * What the sandbox must give a PATH folder of rustup's proxies (`<CARGO_HOME>/bin` holding `rustup`, whose `cargo`,
 * `rustc`… are rustup itself choosing a toolchain), or undefined when `dir` holds no `rustup`.
 *
 * - The rustup home (`$RUSTUP_HOME`, default `~/.rustup`: "the root rustup folder, used for storing installed
 *   toolchains and configuration options", https://rust-lang.github.io/rustup/environment-variables.html), read
 *   back read-only and named in `RUSTUP_HOME`: without it a proxy stops with "rustup could not choose a version of
 *   cargo to run … no default is configured". Read-only, rustup cannot install a toolchain a `rust-toolchain.toml`
 *   names, and with the network off the test command could not download it anyway: `RUSTUP_AUTO_INSTALL=0`
 *   (rust-lang/rustup#4454, rustup 1.28.2 and later) makes it say "toolchain '…' is not installed" instead of
 *   failing on a read-only `tmp` folder.
 * - Of the cargo home (`$CARGO_HOME`, default the folder above the proxies, `~/.cargo`;
 *   https://doc.rust-lang.org/cargo/guide/cargo-home.html), only `registry` (index, downloaded `.crate` files and
 *   their extracted sources) and `git` (git dependencies' checkouts), read-only, so a crate whose dependencies the
 *   user already fetched builds offline. Never `config.toml` nor `credentials.toml` (registry tokens). With the
 *   default `~/.cargo`, the rest of the cargo home is the sandbox's private empty home: cargo's `.package-cache`
 *   lock is written there and thrown away. Measured with cargo 1.95: a cargo home read-only as a whole also builds
 *   a crate without dependencies and one whose dependencies are in `registry/src`, offline; a dependency downloaded
 *   but never extracted (only its `.crate` in `registry/cache`) fails with "Read-only file system", which the test
 *   judge reads as a set-up problem (`cargo fetch` in the checkout extracts it).
 *
 * `home` is the user's home; `tooWide(p)` says a folder would uncover too much (it holds the home or a hidden
 * root): such a rustup home or cargo home is not read back. Never throws: an unreadable folder is left out.
 */
export async function rustupAccess(dir: string, opts: { home: string; env: NodeJS.ProcessEnv; tooWide: (p: string) => boolean }): Promise<RustupAccess | undefined> {
  if (!(await stat(join(dir, 'rustup')).catch(() => undefined))?.isFile()) return undefined;
  const canonicalDir = async (p: string | undefined): Promise<string | undefined> => {
    if (p === undefined || !isAbsolute(p)) return undefined;
    const real = await realpath(p).catch(() => undefined);
    return real !== undefined && (await stat(real).catch(() => undefined))?.isDirectory() === true ? real : undefined;
  };
  const read: string[] = [];
  const env: Record<string, string> = { RUSTUP_AUTO_INSTALL: '0' };
  const rustupHome = await canonicalDir(opts.env.RUSTUP_HOME ?? join(opts.home, '.rustup'));
  if (rustupHome !== undefined && !opts.tooWide(rustupHome)) {
    read.push(rustupHome);
    env.RUSTUP_HOME = rustupHome;
  }
  const cargoHome = await canonicalDir(opts.env.CARGO_HOME ?? (basename(dir) === 'bin' ? dirname(dir) : undefined));
  // A `rustup` in `~/bin` would make the home itself the cargo home: then nothing of it is read back.
  if (cargoHome !== undefined && !opts.tooWide(cargoHome)) {
    env.CARGO_HOME = cargoHome;
    for (const inside of ['registry', 'git']) {
      const p = await canonicalDir(join(cargoHome, inside));
      if (p !== undefined && !opts.tooWide(p)) read.push(p);
    }
  }
  return { read, env };
}
