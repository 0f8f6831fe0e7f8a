import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { PlannedChange } from '../../workspace/applyEdits';
import { gitClient } from '../../workspace/gitClient';
import type { Objection } from '../objection';
import type { WorktreeInfo } from '../phaseContext';
import { cargoTestSettings } from './cargoTestSettings';
import { pyprojectTestSettings } from './pyprojectTestSettings';
import { shadowedModule, TOP_LEVEL_PY } from './pythonShadowedModule';
import { weakenedRustTests } from './rustTestGuard';
import { isTestPath } from './testGuard';

/** What a step may not change so that the test command stays an honest judge. */
export interface JudgeRules {
  /** Test files the tests step committed (frozen after red): no later step may change them. */
  frozen: ReadonlySet<string>;
  /** Paths the plan or diagnosis names (task files and tests): existing tests there may change, others not. */
  named: ReadonlySet<string>;
  /** True in code steps (tasks, fixes); false in the tests step, which writes the tests. */
  codeStep: boolean;
  /**
   * The ticket as the person wrote it (title, body, criteria): a check's configuration may change only when it
   * names the file, since the plan that also has to name it is model output.
   */
  ticketText?: string;
  /**
   * The repository's top-level Python modules and packages by import name (`tomli` for `src/tomli/__init__.py`,
   * `six` for `six.py`; see pythonTopLevel): a new file of the same name where Python looks first would be imported
   * instead of them.
   */
  pythonNames?: ReadonlySet<string>;
}

/**
 * The import names of the repository's top-level Python modules and packages (see TOP_LEVEL_PY), from the files
 * git tracks in the worktree. One git process; empty for a repository without Python.
 * @throws GitCommandError when git cannot list the worktree's files
 */
export async function pythonTopLevel(worktreePath: string): Promise<Set<string>> {
  const specs = ['*.py', '*/__init__.py', 'src/*.py', 'src/*/__init__.py', 'lib/*.py', 'lib/*/__init__.py', 'test/*.py', 'tests/*.py'].map((g) => `:(glob)${g}`);
  const out = await gitClient(worktreePath).raw(['ls-files', '-z', '--', ...specs]);
  return new Set(out.split('\0').map((p) => TOP_LEVEL_PY.exec(p)?.[1]).filter((n): n is string => n !== undefined && n !== '__init__'));
}

/**
 * Files that decide what the test command runs or how (by name, at any depth): package managers' config
 * (`.npmrc` can set `script-shell`, `.yarnrc*`, `.pnpmfile.cjs`), test runners' config (jest, vitest/vite,
 * mocha, ava, karma, playwright, cypress, lab (`.labrc.js`: a grep filter and an exit hook faked green on
 * hapijs/bourne), tap, jasmine, babel transforms, pytest/tox/setup.cfg, `conftest.py` hooks,
 * `sitecustomize.py`, `.pth` files), make, and cargo's (`.cargo/config.toml` sets rustflags such as `--cfg`, the
 * target dir and runners; `rust-toolchain.toml` picks the compiler). A new module named after Python's runner or its
 * standard library is checked where it would be imported (shadowedModule); `package.json` and `Cargo.toml` by field.
 */
const RUNNER_CONFIG = /(^|\/)(\.cargo\/config(\.toml)?|rust-toolchain(\.toml)?|[^/]+\.pth|\.npmrc|\.yarnrc(\.ya?ml)?|\.pnpmfile\.c?js|jest\.config\.[cm]?[jt]s(on)?|vitest\.(config|workspace)\.[cm]?[jt]s|vite\.config\.[cm]?[jt]s|\.mocharc(\.[a-z]+)?|karma\.conf\.[cm]?[jt]s|ava\.config\.[cm]?js|playwright\.config\.[cm]?[jt]s|cypress\.config\.[cm]?[jt]s|babel\.config\.[cm]?js(on)?|\.babelrc(\.[a-z]+)?|pytest\.ini|tox\.ini|setup\.cfg|conftest\.py|sitecustomize\.py|usercustomize\.py|noxfile\.py|Makefile|GNUmakefile|\.c8rc(\.json)?|\.nycrc(\.[a-z]+)?|\.labrc(\.[cm]?js)?|\.taprc(\.[a-z]+)?|jasmine\.(json|[cm]?js))$/i;

/**
 * Files that configure the repository's own checks, which a test command often runs before its tests (`xo && ava`,
 * `tsc && node --test`, `remark --frail .`): linters, formatters, type checkers and their ignore files. Loosening
 * one turns a refusal into a pass without changing the code (on wooorm/markdown-table a model wrote a
 * `.remarkignore`). They may change only where the ticket and the plan both name the file: a ticket about the
 * checks themselves.
 */
const CHECK_CONFIG = /(^|\/)(\.eslintrc(\.[a-z]+)?|eslint\.config\.[cm]?[jt]s|\.eslintignore|\.prettierrc(\.[a-z]+)?|prettier\.config\.[cm]?[jt]s|\.prettierignore|\.remarkrc(\.[a-z]+)?|\.remarkignore|\.markdownlint(-cli2)?\.(jsonc?|ya?ml|c?js)|\.markdownlintignore|\.stylelintrc(\.[a-z]+)?|stylelint\.config\.[cm]?js|biome\.jsonc?|\.xo-config(\.[a-z]+)?|xo\.config\.[cm]?js|tsconfig(\.[\w-]+)*\.json|jsconfig\.json|\.editorconfig|\.?ruff\.toml|\.?mypy\.ini|\.flake8|\.?pylintrc|\.golangci\.ya?ml|\.?rustfmt\.toml|clippy\.toml)$/i;

/**
 * package.json fields that configure how tests run, or the checks that run with them (xo, eslint, prettier,
 * remark, stylelint, type-coverage); the rest (dependencies, exports…) a code step may change.
 */
const SCRIPT_FIELDS = ['scripts', 'jest', 'mocha', 'ava', 'c8', 'nyc', 'vitest', 'tap', 'lab', 'babel', 'type', 'workspaces', 'packageManager', 'overrides', 'resolutions', 'pnpm', 'xo', 'eslintConfig', 'eslintIgnore', 'prettier', 'remarkConfig', 'stylelint', 'typeCoverage'];

function fieldsOf(text: string | null): Record<string, string> {
  if (text === null) return {};
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null) return {};
    return Object.fromEntries(SCRIPT_FIELDS.map((f) => [f, JSON.stringify((json as Record<string, unknown>)[f] ?? null)])); // an object after the check above
  } catch {
    return { unparsable: text };
  }
}

/**
 * A Rust build script: it runs before every `cargo test` and can set `cfg` flags that switch tests off
 * (`cargo:rustc-cfg`). Like the checks' configuration, it may change only when the ticket and the plan name it.
 */
const BUILD_SCRIPT = /(^|\/)build\.rs$/;

/** True when the plan names the file and the ticket as the person wrote it names it too (its base name). */
function namedByTicket(path: string, rules: JudgeRules): boolean {
  return rules.named.has(path) && (rules.ticketText ?? '').toLowerCase().includes((path.split('/').pop() ?? path).toLowerCase());
}

/**
 * Objections (source `tests`) to a planned change that would weaken the judge. Every step: test-runner or
 * package-manager configuration, the checks' configuration and a build script the ticket does not ask for
 * (CHECK_CONFIG, BUILD_SCRIPT), package.json's script and check fields, Cargo.toml's test targets, pyproject's
 * pytest and checkers' sections, a Rust file's tests weakened (weakenedRustTests), a new file shadowing one of the
 * repository's Python modules (pythonNames), the standard library's or a test runner's (shadowedModule). Code steps also: a frozen test
 * file (written first and proven red), or an existing test file the plan does not name.
 */
export function judgeObjections(planned: readonly PlannedChange[], rules: JudgeRules): Objection[] {
  const out: Objection[] = [];
  const refuse = (where: string, message: string): void => void out.push({ source: 'tests', where, message });
  for (const c of planned) {
    const p = c.path;
    if (RUNNER_CONFIG.test(p)) refuse(p, `\`${p}\` configures how the tests run: it may not be changed by the model; change the code instead`);
    else if (CHECK_CONFIG.test(p) && !namedByTicket(p, rules)) {
      refuse(p, `\`${p}\` configures the repository's own checks (a linter, formatter or type checker the test command runs), and the ticket does not ask for it to change: it may not be changed; make the code pass the checks as they are`);
    }
    else if (BUILD_SCRIPT.test(p) && !namedByTicket(p, rules)) {
      refuse(p, `\`${p}\` is the crate's build script, which runs before every test run and can switch tests off, and the ticket does not ask for it to change: it may not be changed; change the code instead`);
    }
    else if (/(^|\/)Cargo\.toml$/.test(p) && c.after !== null && cargoTestSettings(c.after) === undefined) {
      refuse(p, `\`${p}\` would not be valid TOML, and cargo reads which tests to run from it: write it as valid TOML and change only dependencies and features`);
    }
    else if (/(^|\/)Cargo\.toml$/.test(p) && cargoTestSettings(c.before) !== cargoTestSettings(c.after)) {
      refuse(p, `\`${p}\`: the target tables ([lib], [[test]], [[bin]]…), [profile.*], [workspace], [patch]/[replace], dev-dependencies from a path or git, and [package]'s autotests/autobins/build keys decide which tests \`cargo test\` runs and may not be changed (dependencies from the registry and features may)`);
    }
    else if (/(^|\/)package\.json$/.test(p)) {
      const [a, b] = [fieldsOf(c.before), fieldsOf(c.after)];
      const changed = Object.keys({ ...a, ...b }).filter((k) => a[k] !== b[k]);
      if (changed.length > 0) refuse(p, `\`${p}\`: the fields ${changed.join(', ')} decide how the tests and the repository's checks run and may not be changed (dependencies may)`);
    } else if (/(^|\/)pyproject\.toml$/.test(p) && c.after !== null && pyprojectTestSettings(c.after) === undefined) {
      refuse(p, `\`${p}\` would not be valid TOML, and pytest and the checkers read their settings from it: write it as valid TOML`);
    } else if (/(^|\/)pyproject\.toml$/.test(p) && pyprojectTestSettings(c.before) !== pyprojectTestSettings(c.after)) {
      refuse(p, `\`${p}\`: the [tool.pytest…]/[tool.coverage…] and checkers' ([tool.ruff…], [tool.mypy…]) sections decide how the tests and checks run and may not be changed`);
    }
    out.push(...weakenedRustTests([c], rules.codeStep));
    const runner = c.before === null ? shadowedModule(p) : undefined;
    if (runner !== undefined) {
      refuse(p, `\`${p}\` would be a module named \`${runner}\`, like one of Python's standard library or its test runners: Python imports the first \`${runner}\` on its path, which starts with the working folder, so this file would run instead of the real one (\`python -m unittest\` imports \`argparse\`, \`difflib\`, \`unittest\`…); give it another name`);
    }
    const shadows = c.before === null && runner === undefined ? TOP_LEVEL_PY.exec(p)?.[1] : undefined;
    if (shadows !== undefined && rules.pythonNames?.has(shadows)) {
      refuse(p, `\`${p}\` would be a second module named \`${shadows}\`: Python imports whichever it finds first on its path, so the tests could run against it instead of the repository's own \`${shadows}\`; change that one instead`);
    }
    if (!rules.codeStep) continue;
    if (rules.frozen.has(p)) refuse(p, `\`${p}\` holds the tests written first and proven red: they are frozen; make the code pass them as they are`);
    else if (c.before !== null && isTestPath(p) && !rules.named.has(p)) {
      refuse(p, `\`${p}\` is an existing test the plan does not name: it may not be changed; make the code pass it`);
    }
  }
  return out;
}

/** The tests step's commit and the test files it froze: one read serves a whole test run's checks. */
export interface FrozenTests {
  /** The newest commit with the trailer `Shipwright-Step: tests` since the base; undefined before it exists. */
  sha: string | undefined;
  /** Repository-relative paths of the test files (see isTestPath) that commit added or changed. */
  files: string[];
  /** Their bytes at that commit, read at the first restore (a commit's content never changes). */
  blobs: Map<string, Buffer>;
}

/**
 * The frozen tests: the test files (by path, see isTestPath) the tests step's commit added or changed (none
 * before red). Other files of that commit (what the red run itself left) are not tests and not frozen. One git
 * process: `git log -1 --name-status` finds the commit and lists its files at once.
 */
export async function readFrozenTests(worktree: WorktreeInfo): Promise<FrozenTests> {
  const out = await gitClient(worktree.path).raw(['log', '-1', '--format=%H', '--name-status', '-z', '--no-renames', '--grep=^Shipwright-Step: tests$', `${worktree.baseCommit}..HEAD`]).catch(() => '');
  // `<sha>\0`, then `\n<status>\0<path>\0` and `<status>\0<path>\0` per file (none for an empty commit).
  const [sha = '', ...fields] = out.split('\0');
  const files: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i].trim();
    if ((status === 'A' || status === 'M') && isTestPath(fields[i + 1])) files.push(fields[i + 1]);
  }
  return { sha: sha.trim() === '' ? undefined : sha.trim(), files, blobs: new Map() };
}

/** The frozen test files (see readFrozenTests). */
export async function frozenTests(worktree: WorktreeInfo): Promise<string[]> {
  return (await readFrozenTests(worktree)).files;
}

/**
 * Puts every frozen test file back to its content at the tests step's commit when anything changed it (an edit
 * that slipped past, a test run that rewrote it), so green is always decided by the tests proven red. `frozen`:
 * what readFrozenTests found, when the caller has it (a test run restores before and after with one read).
 * @returns the paths put back
 */
export async function restoreFrozenTests(worktree: WorktreeInfo, frozen?: FrozenTests): Promise<string[]> {
  const tests = frozen ?? (await readFrozenTests(worktree));
  if (tests.sha === undefined) return [];
  const git = gitClient(worktree.path);
  const restored: string[] = [];
  for (const path of tests.files) {
    const bytes = tests.blobs.get(path) ?? (await git.binaryCatFile(['blob', `${tests.sha}:${path}`]));
    tests.blobs.set(path, bytes);
    const abs = join(worktree.path, path);
    const now = await readFile(abs).catch(() => undefined);
    if (now !== undefined && now.equals(bytes)) continue;
    await unlink(abs).catch(() => undefined);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, bytes);
    restored.push(path);
  }
  return restored;
}
