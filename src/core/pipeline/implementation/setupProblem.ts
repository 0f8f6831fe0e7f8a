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
 * Why a run says nothing about the code: the command or its tools could not run (exit 126/127, a shell's
 * "not found", `python -m` of a runner that is not installed, a missing npm script, npm failing to download a
 * runner, a missing package). Undefined when the run
 * did test something.
 */
export function setupProblem(run: TestRunResult): string | undefined {
  const notFound = NOT_FOUND.exec(run.output);
  if (notFound !== null && PACKAGE_MANAGERS.has(notFound[1])) {
    return `\`${notFound[1]}: not found\` (${describeTestRun(run)}): the test command calls the package manager ${notFound[1]}, which is not installed where the tests run; a testCommand that calls the test runner itself (such as \`npx vitest run\` or \`npx jest\`) avoids it`;
  }
  if (notFound !== null) return `\`${notFound[1]}: not found\` (${describeTestRun(run)}): the test runner is not installed where the tests run`;
  // Only when no test was named: a test's own subprocess may print the same line.
  const runnerMissing = PY_RUNNER_MISSING.exec(run.output);
  if (runnerMissing !== null && !namesAnyTest(run)) return `\`${runnerMissing[1]}: No module named ${runnerMissing[2]}\` (${describeTestRun(run)}): the test runner ${runnerMissing[2]} is not installed for that Python`;
  const script = MISSING_SCRIPT.exec(run.output);
  if (script !== null) return `npm has no "${script[1]}" script (${describeTestRun(run)})`;
  const fetch = NPM_FETCH.exec(run.output);
  if (fetch !== null) {
    const pkg = NPM_FETCH_PACKAGE.exec(run.output)?.[1];
    // A scoped name comes URL-encoded (`@vitest%2fcoverage-v8`).
    const what = pkg === undefined ? 'a package' : `\`${pkg.replace(/%2f/gi, '/').replace(/%40/g, '@')}\``;
    return `npm tried to download ${what} to run it (npm error ${fetch[1]}; ${describeTestRun(run)}), and tests run without network: the test runner is not installed where the tests run`;
  }
  if (run.exitCode === 127 || run.exitCode === 126) return `the test command could not be started (${describeTestRun(run)})`;
  const missing = MISSING_PACKAGE.exec(run.output);
  if (missing !== null) return `the package '${missing[1]}' is not installed (${describeTestRun(run)})`;
  return undefined;
}


/**
 * How a project of the test command's kind gets its dependencies into the worktree, for judgeBaseline's advice: a
 * Markdown fragment naming the setting to use (`worktree.setupCommand`, `worktree.dependencies`) and an example.
 */
export function installHint(command: string): string {
  // A virtualenv the command runs from must be made in the worktree (a fresh checkout) first.
  const venv = /(?:^|[\s;&|(])((?:\.\/)?[\w.-]*venv)\/bin\//.exec(command)?.[1];
  if (venv !== undefined) return `\`worktree.setupCommand\` such as \`python3 -m venv ${venv} && ${venv}/bin/pip install -e .\``;
  if (/\b(?:python\d*(?:\.\d+)?|pytest|tox|nox|uv|poetry|pip)\b/.test(command)) return '`worktree.setupCommand` such as `pip install -e .`';
  return '`worktree.dependencies`, or `worktree.setupCommand` such as `npm ci`';
}

