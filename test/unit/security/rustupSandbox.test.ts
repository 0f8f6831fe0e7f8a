import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareSandbox } from '../../../src/core/sandbox/commandSandbox';
import { SandboxSettings } from '../../../src/core/sandbox/sandboxSettings';
import { runTestCommand, type TestRunResult } from '../../../src/core/workspace/testCommandRunner';
import { setupFix, setupProblem } from '../../../src/core/pipeline/implementation/setupProblem';
import { requireSandbox } from './requireSandbox';

/** A fake home with a private key, and a ticket worktree inside it as Shipwright lays them out. */
function layout(): { root: string; home: string; repo: string; worktree: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-rustup-')));
  const home = join(root, 'home', 'ana');
  const repo = join(home, 'proj');
  const worktree = join(home, '.shipwright-worktrees', 'proj', 't1');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  writeFileSync(join(home, '.ssh', 'id_ed25519'), 'PRIVATE-KEY-CANARY\n');
  mkdirSync(repo, { recursive: true });
  mkdirSync(worktree, { recursive: true });
  return { root, home, repo, worktree };
}

/** Runs `fn` with these variables set in the engine's environment (PATH prepended), then puts them back. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) process.env[k] = k === 'PATH' ? `${v}:${saved.PATH ?? ''}` : v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

let availability: Awaited<ReturnType<typeof requireSandbox>>;

/** `command` in the worktree's sandbox, prepared now (it reads PATH and the toolchain variables), without network. */
const run = async (l: ReturnType<typeof layout>, command: string): Promise<TestRunResult> => {
  const sandbox = await prepareSandbox({ settings: SandboxSettings.parse({}), worktree: l.worktree, repoRoot: l.repo, home: l.home, availability });
  return runTestCommand({ command, cwd: l.worktree, timeoutMs: 120_000, outputBudgetChars: 20_000, sandbox, network: false });
};

suite('security: a rustup toolchain in the sandbox (real bubblewrap)', function () {
  this.timeout(180_000);
  let l: ReturnType<typeof layout> | undefined;
  setup(async function () {
    availability = await requireSandbox(this);
  });
  teardown(() => {
    if (l !== undefined) rmSync(l.root, { recursive: true, force: true });
    l = undefined;
  });

  test('rustup\'s proxies in `~/.cargo/bin` find their toolchain in `~/.rustup` and the fetched crates in `~/.cargo/registry`; the home, credentials.toml and the rustup home stay unwritable or hidden', async () => {
    l = layout();
    const cargoHome = join(l.home, '.cargo');
    const rustupHome = join(l.home, '.rustup');
    const toolchain = join(rustupHome, 'toolchains', 'stable-x86_64-unknown-linux-gnu');
    mkdirSync(join(cargoHome, 'bin'), { recursive: true });
    mkdirSync(join(cargoHome, 'registry', 'index'), { recursive: true });
    mkdirSync(join(toolchain, 'bin'), { recursive: true });
    writeFileSync(join(cargoHome, 'credentials.toml'), '[registry]\ntoken = "CRATES-TOKEN-CANARY"\n');
    writeFileSync(join(rustupHome, 'settings.toml'), 'version = "12"\ndefault_toolchain = "stable-x86_64-unknown-linux-gnu"\n');
    // rustup's proxy reduced to what matters here: the toolchain named in the rustup home's settings, as rustup
    // 1.29 says when it finds none (recorded in test/fixtures/runner-output/rustup-no-default.txt).
    writeFileSync(join(cargoHome, 'bin', 'rustup'), '#!/bin/sh\necho rustup\n', { mode: 0o755 });
    writeFileSync(join(cargoHome, 'bin', 'cargo'), [
      '#!/bin/sh',
      'rh="${RUSTUP_HOME:-$HOME/.rustup}"',
      'tc=$(sed -n \'s/^default_toolchain = "\\(.*\\)"$/\\1/p\' "$rh/settings.toml" 2>/dev/null)',
      'if [ -z "$tc" ]; then echo "error: rustup could not choose a version of cargo to run, because one wasn\'t specified explicitly, and no default is configured." >&2; exit 1; fi',
      'exec "$rh/toolchains/$tc/bin/cargo" "$@"',
    ].join('\n') + '\n', { mode: 0o755 });
    writeFileSync(join(toolchain, 'bin', 'cargo'), [
      '#!/bin/sh',
      'echo "toolchain cargo: $*"',
      'ls "${CARGO_HOME:-$HOME/.cargo}/registry"',
      'cat "${CARGO_HOME:-$HOME/.cargo}/credentials.toml"',
      'echo "auto-install=$RUSTUP_AUTO_INSTALL"',
      'touch "$RUSTUP_HOME/settings.toml" && echo wrote-rustup-home',
      `cat ${l.home}/.ssh/id_ed25519`,
    ].join('\n') + '\n', { mode: 0o755 });
    const r = await withEnv({ PATH: join(cargoHome, 'bin') }, () => run(l!, 'cargo test'));
    assert.equal(r.confined, true);
    assert.match(r.output, /toolchain cargo: test/, r.output);
    assert.match(r.output, /^index$/m, `the registry is readable: ${r.output}`);
    assert.match(r.output, /auto-install=0/);
    assert.ok(!r.output.includes('CRATES-TOKEN-CANARY'), r.output);
    assert.ok(!r.output.includes('wrote-rustup-home'), r.output);
    assert.ok(!r.output.includes('PRIVATE-KEY-CANARY'), r.output);
    // A `~/bin/rustup` must not make the home its "cargo home": neither the home nor a `~/registry` is read back.
    mkdirSync(join(l.home, 'bin'), { recursive: true });
    mkdirSync(join(l.home, 'registry'), { recursive: true });
    writeFileSync(join(l.home, 'bin', 'rustup'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(join(l.home, 'registry', 'notes.txt'), 'HOME-REGISTRY-CANARY\n');
    const wide = await withEnv({ PATH: join(l.home, 'bin') }, () => run(l!, `cat ${l!.home}/.ssh/id_ed25519 ${l!.home}/registry/notes.txt; echo "cargo-home=$CARGO_HOME"`));
    assert.ok(!wide.output.includes('PRIVATE-KEY-CANARY'), wide.output);
    assert.ok(!wide.output.includes('HOME-REGISTRY-CANARY'), wide.output);
    assert.match(wide.output, /^cargo-home=$/m);
  });

  test('real cargo (rustup on this machine): a crate without dependencies tests, one whose dependency is already fetched tests with --offline, and a missing one is a set-up problem at once', async function () {
    const proxies = join(homedir(), '.cargo', 'bin');
    if (!existsSync(join(proxies, 'rustup'))) {
      // CI installs no Rust toolchain (rustup's is ~600 MB); the test above runs the same read-backs there.
      this.skip();
    }
    l = layout();
    const cargo = join(proxies, 'cargo');
    // The user's rustup home seen from the fake home, as it is from theirs (`~/.rustup`).
    symlinkSync(process.env.RUSTUP_HOME ?? join(homedir(), '.rustup'), join(l.home, '.rustup'));
    const crate = (dir: string, name: string, deps: string, lib: string): void => {
      mkdirSync(join(dir, 'src'), { recursive: true });
      writeFileSync(join(dir, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`);
      writeFileSync(join(dir, 'src', 'lib.rs'), lib);
    };
    crate(l.worktree, 'plain', '', 'pub fn two() -> i32 { 2 }\n#[cfg(test)]\nmod tests { #[test] fn is_two() { assert_eq!(super::two(), 2); } }\n');
    const plain = await withEnv({ PATH: proxies }, () => run(l!, 'cargo test'));
    assert.equal(plain.exitCode, 0, plain.output);
    assert.match(plain.output, /test tests::is_two \.\.\. ok/);

    // A dependency from a registry (a sparse one on the host's loopback, standing in for crates.io through
    // source replacement), fetched beforehand by the user into their cargo home, outside the sandbox.
    const dep = join(l.root, 'tinydep');
    crate(dep, 'tinydep', '', 'pub fn double(x: i32) -> i32 { x * 2 }\n');
    await promisify(execFile)(cargo, ['package', '--allow-dirty', '--no-verify', '-q'], { cwd: dep, env: { ...process.env, CARGO_HOME: join(l.root, 'pack-home') } });
    const dotCrate = readFileSync(join(dep, 'target', 'package', 'tinydep-0.1.0.crate'));
    const server: Server = createServer((req, res) => {
      const port = (server.address() as AddressInfo).port; // a listening TCP server's address is an AddressInfo
      if (req.url === '/config.json') res.end(JSON.stringify({ dl: `http://127.0.0.1:${port}/api/v1/crates` }));
      else if (req.url === '/ti/ny/tinydep') res.end(JSON.stringify({ name: 'tinydep', vers: '0.1.0', deps: [], cksum: createHash('sha256').update(dotCrate).digest('hex'), features: {}, yanked: false }) + '\n');
      else if (req.url === '/api/v1/crates/tinydep/0.1.0/download') res.end(dotCrate);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port; // as above
      rmSync(join(l.worktree, 'target'), { recursive: true, force: true });
      crate(l.worktree, 'user', 'tinydep = "0.1"\n', '#[cfg(test)]\nmod tests { #[test] fn doubles() { assert_eq!(tinydep::double(2), 4); } }\n');
      mkdirSync(join(l.worktree, '.cargo'), { recursive: true });
      writeFileSync(join(l.worktree, '.cargo', 'config.toml'), `[source.crates-io]\nreplace-with = "mirror"\n[source.mirror]\nregistry = "sparse+http://127.0.0.1:${port}/"\n`);
      const userCargoHome = join(l.root, 'cargo-home');
      await promisify(execFile)(cargo, ['fetch', '-q'], { cwd: l.worktree, env: { ...process.env, CARGO_HOME: userCargoHome } });
      writeFileSync(join(userCargoHome, 'credentials.toml'), '[registry]\ntoken = "CRATES-TOKEN-CANARY"\n');
      const offline = await withEnv({ PATH: proxies, CARGO_HOME: userCargoHome }, () => run(l!, `cargo test --offline; cat ${userCargoHome}/credentials.toml`));
      assert.match(offline.output, /test tests::doubles \.\.\. ok/, offline.output);
      assert.match(offline.output, /test result: ok\. 1 passed/);
      assert.ok(!offline.output.includes('CRATES-TOKEN-CANARY'), offline.output);

      // The same crate before the user fetched anything: cargo fails at once (no retries without network) and
      // the judge reads a missing dependency, not a failing suite.
      rmSync(join(l.worktree, 'target'), { recursive: true, force: true });
      const fresh = join(l.root, 'fresh-cargo-home');
      mkdirSync(fresh);
      const missing = await withEnv({ PATH: proxies, CARGO_HOME: fresh }, () => run(l!, 'cargo test'));
      assert.notEqual(missing.exitCode, 0);
      assert.ok(!/spurious network error/.test(missing.output), missing.output);
      assert.match(setupProblem(missing) ?? '', /cargo could not get the dependency `tinydep`/, missing.output);
      assert.match(setupFix(missing), /`cargo fetch` in your checkout/);
    } finally {
      server.close();
    }
  });
});
