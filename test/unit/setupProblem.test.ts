import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupFix, setupProblem } from '../../src/core/pipeline/implementation/setupProblem';
import { judgeBaseline } from '../../src/core/pipeline/implementation/testJudge';
import type { TestRunResult } from '../../src/core/workspace/testCommandRunner';

/**
 * Output recorded from rustup 1.29 and cargo 1.95 in bubblewrap as the sandbox runs them (test/fixtures/runner-output,
 * CI=true NO_COLOR=1, 2026-11-30; RazrFalcon/pico-args and small crates of a local registry): rustup without its
 * rustup home, a rust-toolchain.toml naming a toolchain that is not installed (with RUSTUP_AUTO_INSTALL=0, and
 * without it on a read-only rustup home), a crate missing without network and offline, one downloaded but not
 * unpacked in a read-only cargo home, a `target-dir` outside the worktree, cargo not on PATH, and a test calling a
 * method the code lacks.
 */
const output = (name: string): string => readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'runner-output', name), 'utf8');
const run = (command: string, exitCode: number, file: string): TestRunResult => {
  const text = output(file);
  return { command, exitCode, timedOut: false, cancelled: false, output: text, redacted: 0, confined: true, outputChars: text.length, durationMs: 100 };
};
const advice = (r: TestRunResult): string => {
  const judged = judgeBaseline(r);
  assert.ok(!judged.ok, `${r.output} must stop the ticket`);
  return judged.advice;
};

suite('set-up problems of a Rust project, on real rustup and cargo output', () => {
  test('rustup without a toolchain (run R0: the rustup home unseen) is a set-up stop naming rustup, not "the suite already fails"', () => {
    const r = run('cargo test', 1, 'rustup-no-default.txt');
    assert.match(setupProblem(r) ?? '', /rustup found no toolchain to run cargo \(`cargo test` exited 1 in 0\.1 s\): no default is configured/);
    const a = advice(r);
    assert.match(a, /^the tests cannot run in the worktree before any change: rustup found no toolchain/);
    assert.match(a, /`rustup default stable`.*`RUSTUP_HOME`.*`sandbox\.paths\.read`/);
    assert.doesNotMatch(a, /npm|already fails/);
  });

  test('a toolchain rust-toolchain.toml names that is not installed: install it in the checkout (also when rustup tried to and met a read-only rustup home)', () => {
    const r = run('cargo test', 1, 'rustup-toolchain-not-installed.txt');
    assert.match(setupProblem(r) ?? '', /toolchain '1\.70\.0-x86_64-unknown-linux-gnu', which the project asks for \(rust-toolchain\.toml\), is not installed/);
    assert.match(advice(r), /Install it in your checkout \(`rustup toolchain install 1\.70\.0-x86_64-unknown-linux-gnu`\)/);
    const auto = run('cargo test', 1, 'rustup-auto-install-erofs.txt');
    assert.match(setupProblem(auto) ?? '', /could not write `\/root\/\.rustup\/tmp\/\w+`: read-only file system/);
    assert.match(advice(auto), /`rustup toolchain install`/);
  });

  test('a dependency cargo cannot get (no network, offline, downloaded but not unpacked) is a set-up stop whose fix is `cargo fetch` in the checkout', () => {
    for (const [file, name] of [['cargo-no-network.txt', 'the dependency `serde`'], ['cargo-offline-no-package.txt', 'the dependency `serde`'], ['cargo-offline-http.txt', 'the dependency `tinydep v0.1.0`']]) {
      const r = run('cargo test', 101, file);
      assert.match(setupProblem(r) ?? '', new RegExp(`cargo could not get ${name.replace(/[.`]/g, '\\$&')} \\(.*\\): tests run without network`), file);
      assert.match(advice(r), /`cargo fetch` in your checkout or set `testCommand`/, file);
    }
    const unpack = run('cargo test', 101, 'cargo-registry-unpack-erofs.txt');
    // cargo's first error line names the download, so the dependency rule reads it; either way the fix is the same.
    assert.match(setupProblem(unpack) ?? '', /cargo could not get the dependency `tinydep v0\.1\.0`/);
    assert.match(advice(unpack), /`cargo fetch` in your checkout/);
  });

  test('a cargo target-dir outside the worktree (run R8) is a write the sandbox refused, whose fix is `sandbox.paths.write`; a new one is named as configured, not as cargo\'s temporary sibling', () => {
    for (const [file, path] of [['cargo-target-dir-lock-erofs.txt', '/opt/sandbox-target/debug/.cargo-lock'], ['cargo-target-dir-new-erofs.txt', '/opt/sandbox-target']]) {
      const r = run('cargo test', 101, file);
      assert.match(setupProblem(r) ?? '', new RegExp(`the tests could not write \`${path.replace(/\./g, '\\.')}\`: read-only file system .*only the worktree and a private /tmp are writable`), file);
      assert.match(advice(r), /a cargo `target-dir` outside the worktree.*create the folder and add it to `sandbox\.paths\.write`/, file);
    }
    // A read-only file in the worktree (a frozen test) is the run's own business.
    const frozen = { ...run('npm test', 1, 'cargo-target-dir-lock-erofs.txt'), output: "Error: EROFS: read-only file system, open './test/frozen.test.js'\n" };
    assert.equal(setupProblem(frozen), undefined);
    // Nor a read-only write in a run that named its tests: a failing test, recorded as one.
    const named = { ...frozen, output: "not ok 1 - writes the cache\n  Error: EROFS: read-only file system, open '/usr/share/x'\nok 2 - adds\n" };
    assert.equal(setupProblem(named), undefined);
  });

  test('a test script writing into the copied node_modules (read-only to test runs) is told about sandbox.writableDependencies', () => {
    // Node 20's own message, from a write into a node_modules bound read-only by bubblewrap as runTests binds it.
    const r = run('npm test', 1, 'node-erofs-node-modules.txt');
    assert.match(setupProblem(r) ?? '', /could not write `\.\/node_modules\/@prisma\/client\/index\.js` \(`npm test` exited 1 in 0\.1 s\): the dependencies Shipwright copied into the worktree are read-only to test runs/);
    assert.match(advice(r), /set `"sandbox": \{ "writableDependencies": true \}`/);
  });

  test('cargo missing from PATH (run R7) gets Rust advice, not npm\'s; Python and JavaScript keep theirs', () => {
    const r = run('cargo test', 127, 'cargo-not-found.txt');
    assert.match(setupProblem(r) ?? '', /`cargo: not found`/);
    const a = advice(r);
    assert.match(a, /Put cargo on the PATH Shipwright starts with \(rustup's `~\/\.cargo\/bin`/);
    assert.doesNotMatch(a, /npm/);
    assert.match(setupFix({ ...r, command: 'go test ./...', output: '/bin/sh: 1: go: not found\n' }), /go toolchain on the PATH/);
    assert.match(setupFix({ ...r, command: 'python3 -m pytest', output: '/bin/sh: 1: python3: not found\n' }), /Install the project's dependencies \(`worktree\.setupCommand` such as `pip install -e \.`\)/);
    assert.match(setupFix({ ...r, command: 'npx ava', output: '/bin/sh: 1: npx: not found\n' }), /Install the project's dependencies \(`worktree\.dependencies`, or `worktree\.setupCommand` such as `npm ci`\)/);
  });

  test('a test calling a method the code lacks fails to compile: red for the right reason, no set-up problem', () => {
    assert.equal(setupProblem(run('cargo test', 101, 'cargo-missing-method.txt')), undefined);
  });
});
