import type { TestRunResult } from '../../workspace/testCommandRunner';
import { describeTestRun } from '../../workspace/testCommandRunner';
// testJudge imports setupProblem too: the two are used only inside functions, never while a module loads, so the
// cycle is safe. The runner tables stay with the judge, which reads them first.
import { MISSING_PACKAGE, namesAnyTest } from './testJudge';

/** A shell that could not find the command (`sh: 1: uvu: not found`, `bash: line 1: jest: command not found`). */
const NOT_FOUND = /^(?:\/bin\/)?(?:sh|bash|zsh|dash)(?::\s*(?:line\s*)?\d+)?:\s*(?:line \d+:\s*)?([^\s:]+):\s*(?:command )?not found/m;
/** Package managers a `test` script may call (`pnpm lint && vitest run`): missing, they are not the runner. */
const PACKAGE_MANAGERS = new Set(['pnpm', 'yarn', 'bun']);
/** `python -m <runner>` for a runner that is not installed: `/usr/bin/python3: No module named pytest` (unquoted). */
const PY_RUNNER_MISSING = /^((?:\S*\/)?python[\d.]*): No module named ([\w.]+)\s*$/m;
/** npm without the script (`npm error Missing script: "test"`). */
const MISSING_SCRIPT = /Missing script: "([^"]+)"/;
/**
 * npm (npx, `npm exec`) failing to fetch a package it does not have: the network errors npm prints as `npm error
 * code …` (`npm ERR! code …` before npm 9; the test sandbox turns npm's retries off, so they come at once), and
 * ENOTCACHED from offline mode.
 */
const NPM_FETCH = /^npm (?:error|ERR!) code (EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED)\b/m;
/** The package npm tried to fetch: `request to https://registry.npmjs.org/ava failed`. */
const NPM_FETCH_PACKAGE = /request to https?:\/\/[^/\s]+\/(\S+?) failed/;

/**
 * rustup's proxy without a toolchain to run: "error: rustup could not choose a version of cargo to run, because one
 * wasn't specified explicitly, and no default is configured" (rustup 1.29; its rustup home unreadable or empty).
 */
const RUSTUP_NO_DEFAULT = /^error: rustup could not choose a version of (\S+) to run\b|\bno default is configured\b/m;
/** rustup with auto-install off (the sandbox sets RUSTUP_AUTO_INSTALL=0): "error: toolchain '1.70.0-x86_64-…' is not installed". */
const RUSTUP_NOT_INSTALLED = /^error: toolchain '([^']+)' is not installed/m;
/**
 * cargo could not get a dependency (cargo 1.95): offline and not in the cargo home ("no matching package named
 * `serde` found", "failed to download `tinydep v0.1.0`" caused by "attempting to make an HTTP request, but
 * --offline was specified"), or without network ("failed to get `serde` as a dependency of package …" caused by
 * "[6] Could not resolve hostname (Could not resolve host: index.crates.io)"; curl before 8 says "Couldn't").
 */
const CARGO_DEPENDENCY = /^error: (?:no matching package named `([^`]+)` found|failed to get `([^`]+)` as a dependency|failed to download `([^`]+)`)/m;
/** The same without the dependency's name: a download cargo gave up, as it says below the error line or in a retry warning. */
const CARGO_DOWNLOAD = /^error: failed to download from `[^`]+`|attempting to make an HTTP request, but --offline was specified|\[6\] Could(?: not|n't) resolve host/m;
/**
 * A write the file system refused as read-only: cargo and rustup ("Read-only file system (os error 30)", the path
 * on a line above or on the same one), Node (`EROFS: read-only file system, open '/x'`), Python (`[Errno 30]
 * Read-only file system: '/x'`). In the sandbox everything but the worktree, /tmp and `sandbox.paths.write` is.
 */
const READ_ONLY = /Read-only file system \(os error 30\)|\bEROFS\b|\[Errno 30\] Read-only file system/i;
/** A path as runTests leaves them: absolute, `~/…` (the home), `./…` (the worktree); quoted or not. */
const PATH_TOKEN = /(?:~|\.{1,2})?\/[^\s`'":]+/g;

/**
 * cargo making a folder that does not exist yet (a new `target-dir`): it makes a sibling named after it plus
 * tempfile's 6 random characters, then renames it (cargo-util's `create_dir_all_excluded_from_backups_atomic`,
 * `TempFileBuilder::new().prefix(base).tempdir_in(parent)`), so the error names that sibling:
 * `error: Read-only file system (os error 30) at path "/opt/target3bX9aQ"`. The folder is the name without them.
 */
const CARGO_NEW_FOLDER = /^error: Read-only file system \(os error 30\) at path "(.+?)[A-Za-z0-9]{6}"\s*$/m;

/** The path a read-only error (READ_ONLY, at `index`) names: the last one on its line or, for cargo, on the 4 lines above. */
function readOnlyPath(output: string, index: number): string | undefined {
  const folder = CARGO_NEW_FOLDER.exec(output);
  if (folder !== null) return folder[1];
  const lineEnd = output.indexOf('\n', index);
  const lines = output.slice(0, lineEnd === -1 ? undefined : lineEnd).split('\n').slice(-5).reverse();
  for (const line of lines) {
    const paths = line.match(PATH_TOKEN);
    if (paths !== null) return paths[paths.length - 1];
  }
  return undefined;
}

/** A set-up problem (setupProblem) and, when it has one of its own, the fix for judgeBaseline's advice (setupFix). */
interface SetupStop {
  problem: string;
  fix?: string;
}

/** The Rust toolchain's and the sandbox's own stops, read only from a run that named no test (see setupStop). */
function toolchainStop(run: TestRunResult): SetupStop | undefined {
  const ran = describeTestRun(run);
  const notInstalled = RUSTUP_NOT_INSTALLED.exec(run.output);
  if (notInstalled !== null) {
    return {
      problem: `rustup's toolchain '${notInstalled[1]}', which the project asks for (rust-toolchain.toml), is not installed (${ran}); the tests cannot install it (the rustup home is read-only where they run, and there is no network)`,
      fix: `Install it in your checkout (\`rustup toolchain install ${notInstalled[1]}\`)`,
    };
  }
  const noDefault = RUSTUP_NO_DEFAULT.exec(run.output);
  if (noDefault !== null) {
    return {
      problem: `rustup found no toolchain to run ${noDefault[1] ?? 'cargo'} (${ran}): no default is configured in the rustup home the tests see (\`~/.rustup\`, or \`RUSTUP_HOME\` of the environment Shipwright starts in, read back read-only)`,
      fix: 'Set a default toolchain (`rustup default stable`), start Shipwright with `RUSTUP_HOME` naming the rustup home your toolchains are in, or add a toolchain elsewhere to `sandbox.paths.read`',
    };
  }
  const dependency = CARGO_DEPENDENCY.exec(run.output);
  if (dependency !== null || CARGO_DOWNLOAD.test(run.output)) {
    const name = dependency?.[1] ?? dependency?.[2] ?? dependency?.[3];
    return {
      problem: `cargo could not get ${name === undefined ? 'a dependency' : `the dependency \`${name}\``} (${ran}): tests run without network, so the crates must already be in your cargo home (its registry is read back read-only)`,
      fix: 'Fetch the crates into your cargo home: `cargo fetch` in your checkout',
    };
  }
  const readOnly = READ_ONLY.exec(run.output);
  const path = readOnly === null ? undefined : readOnlyPath(run.output, readOnly.index);
  // The copied dependencies are read-only to test runs (runTests): a test script that generates into them.
  if (readOnly !== null && path !== undefined && /^\.\/(?:node_modules|\.?venv)(?:\/|$)/.test(path)) {
    return {
      problem: `the tests could not write \`${path}\` (${ran}): the dependencies Shipwright copied into the worktree are read-only to test runs, so that code the tests run cannot rewrite a runner there`,
      fix: 'If the test script generates into them (`prisma generate` in `pretest`), set `"sandbox": { "writableDependencies": true }`; else keep its writes out of them',
    };
  }
  // Another path in the worktree (`./…`) is a frozen test or the like: the run's own business, not the set-up's.
  if (readOnly === null || (path !== undefined && /^\.(?:\/|$)/.test(path))) return undefined;
  const where = path === undefined ? 'outside the worktree' : `\`${path}\``;
  const problem = `the tests could not write ${where}: read-only file system (${ran}); where they run only the worktree and a private /tmp are writable`;
  if (path !== undefined && /\/registry\/(?:src|cache|index)\//.test(path)) return { problem, fix: 'Unpack the crates into your cargo home beforehand: `cargo fetch` in your checkout' };
  if (path !== undefined && /(?:^|\/)\.?rustup\//.test(path)) return { problem, fix: 'Install the toolchain in your checkout beforehand (`rustup toolchain install`)' };
  // `sandbox.paths.write` binds only a folder that exists (a new cargo target-dir is named by a temporary sibling).
  return { problem, fix: 'If the tests must write there (a cargo `target-dir` outside the worktree, set in .cargo/config.toml, for one), create the folder and add it to `sandbox.paths.write` (one that does not exist is not bound); else keep their writes in the worktree' };
}

/** setupProblem's and setupFix's reading of a run. */
function setupStop(run: TestRunResult): SetupStop | undefined {
  const notFound = NOT_FOUND.exec(run.output);
  if (notFound !== null && PACKAGE_MANAGERS.has(notFound[1])) {
    return { problem: `\`${notFound[1]}: not found\` (${describeTestRun(run)}): the test command calls the package manager ${notFound[1]}, which is not installed where the tests run; a testCommand that calls the test runner itself (such as \`npx vitest run\` or \`npx jest\`) avoids it` };
  }
  if (notFound !== null) return { problem: `\`${notFound[1]}: not found\` (${describeTestRun(run)}): the test runner is not installed where the tests run` };
  // Only when no test was named: a test's own subprocess may print the same lines.
  const named = namesAnyTest(run);
  const runnerMissing = PY_RUNNER_MISSING.exec(run.output);
  if (runnerMissing !== null && !named) return { problem: `\`${runnerMissing[1]}: No module named ${runnerMissing[2]}\` (${describeTestRun(run)}): the test runner ${runnerMissing[2]} is not installed for that Python` };
  const script = MISSING_SCRIPT.exec(run.output);
  if (script !== null) return { problem: `npm has no "${script[1]}" script (${describeTestRun(run)})` };
  const fetch = NPM_FETCH.exec(run.output);
  if (fetch !== null) {
    const pkg = NPM_FETCH_PACKAGE.exec(run.output)?.[1];
    // A scoped name comes URL-encoded (`@vitest%2fcoverage-v8`).
    const what = pkg === undefined ? 'a package' : `\`${pkg.replace(/%2f/gi, '/').replace(/%40/g, '@')}\``;
    return { problem: `npm tried to download ${what} to run it (npm error ${fetch[1]}; ${describeTestRun(run)}), and tests run without network: the test runner is not installed where the tests run` };
  }
  if (run.exitCode === 127 || run.exitCode === 126) return { problem: `the test command could not be started (${describeTestRun(run)})` };
  const missing = MISSING_PACKAGE.exec(run.output);
  if (missing !== null) return { problem: `the package '${missing[1]}' is not installed (${describeTestRun(run)})` };
  return run.exitCode !== 0 && !named ? toolchainStop(run) : undefined;
}

/**
 * Why a run says nothing about the code: the command or its tools could not run (exit 126/127, a shell's
 * "not found", `python -m` of a runner that is not installed, a missing npm script, npm failing to download a
 * runner, a missing package), or, in a failed run that named no test, rustup without the toolchain (none by
 * default, or one rust-toolchain.toml names that is not installed), cargo without a dependency, or a write the
 * sandbox refused outside the worktree. Undefined when the run did test something.
 */
export function setupProblem(run: TestRunResult): string | undefined {
  return setupStop(run)?.problem;
}

/**
 * What a person does about setupProblem's problem, for judgeBaseline's advice (a sentence without its end, which
 * the advice completes with "or set `testCommand` …"): the problem's own fix (a `sandbox.paths.write` for a
 * read-only write, `cargo fetch` for a missing crate…), else how the project's kind gets its tools (installHint).
 */
export function setupFix(run: TestRunResult): string {
  return setupStop(run)?.fix ?? installHint(run.command);
}

/**
 * How a project of the test command's kind gets its tools and dependencies where the tests run, for setupFix (a
 * sentence without its end), by the command's ecosystem: Rust (`cargo`: the toolchain on PATH, whose rustup home
 * is then read back, and crates fetched into the cargo home, since tests run without network), Go (`go test`: the
 * toolchain on PATH, modules in the module cache), Python (a virtualenv or pip), else JavaScript (npm).
 */
function installHint(command: string): string {
  if (/(?:^|[\s;&|(/])(?:cargo|rustc|cargo-nextest)(?:\s|$)/.test(command)) {
    return 'Put cargo on the PATH Shipwright starts with (rustup\'s `~/.cargo/bin`: the rustup home and the cargo registry are then read back read-only; a toolchain\'s files elsewhere go in `sandbox.paths.read`), fetch the crates with `cargo fetch` in your checkout,';
  }
  if (/(?:^|[\s;&|(/])go\s+(?:test|vet|build|run)\b/.test(command)) {
    return 'Put the go toolchain on the PATH Shipwright starts with (or add its folder to `sandbox.paths.read`), download the modules with `go mod download` in your checkout and add the module cache (`go env GOMODCACHE`) to `sandbox.paths.read`,';
  }
  const deps = (hint: string): string => `Install the project's dependencies (${hint})`;
  // A virtualenv the command runs from must be made in the worktree (a fresh checkout) first.
  const venv = /(?:^|[\s;&|(])((?:\.\/)?[\w.-]*venv)\/bin\//.exec(command)?.[1];
  if (venv !== undefined) return deps(`\`worktree.setupCommand\` such as \`python3 -m venv ${venv} && ${venv}/bin/pip install -e .\``);
  if (/\b(?:python\d*(?:\.\d+)?|pytest|tox|nox|uv|poetry|pip)\b/.test(command)) return deps('`worktree.setupCommand` such as `pip install -e .`');
  return deps('`worktree.dependencies`, or `worktree.setupCommand` such as `npm ci`');
}
