import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `npm init`'s placeholder test script, which only fails. */
const NPM_PLACEHOLDER = /no test specified/;

/**
 * Finds the project's test command from files at the repository root, in this order:
 * `package.json` `scripts.test` (not npm's placeholder) → `npm test`; a `Makefile` with a `test:` target →
 * `make test`; Python tests (see pythonRunner): pytest → `python3 -m pytest -v`, the standard library's unittest →
 * `python3 -m unittest discover -v` (with `-s tests` when `tests/` is no package; `-v` names passing tests, so a
 * test the ticket breaks is seen), either with `PYTHONPATH=src ` before it for a package under `src/` (see
 * srcLayout); `Cargo.toml` → `cargo test --no-fail-fast` (every test target runs even when one fails:
 * https://doc.rust-lang.org/cargo/commands/cargo-test.html#test-options);
 * `go.mod` → `go test ./...`. Returns undefined when none applies. Reads files only; runs nothing.
 */
export async function detectTestCommand(root: string): Promise<string | undefined> {
  const pkg = await readText(join(root, 'package.json'));
  if (pkg !== undefined && hasNpmTest(pkg)) return 'npm test';

  for (const name of ['Makefile', 'makefile', 'GNUmakefile']) {
    const make = await readText(join(root, name));
    if (make !== undefined && /^test\s*:/m.test(make)) return 'make test';
  }

  const python = await pythonRunner(root);
  if (python !== undefined) {
    const path = (await srcLayout(root)) ? 'PYTHONPATH=src ' : '';
    if (python === 'pytest') return `${path}python3 -m pytest -v`;
    // discover from the root finds `tests/test_*.py` only inside a package; a plain folder is the start directory.
    const tests = await firstTestFolder(root);
    const start = tests !== undefined && (await readText(join(root, tests, '__init__.py'))) === undefined ? ` -s ${tests}` : '';
    return `${path}python3 -m unittest discover -v${start}`;
  }
  // cargo stops at the first test target that fails, so with one failing before the ticket the targets after it
  // would never run, and a test broken there could never be seen.
  if ((await readText(join(root, 'Cargo.toml'))) !== undefined) return 'cargo test --no-fail-fast';
  if ((await readText(join(root, 'go.mod'))) !== undefined) return 'go test ./...';
  return undefined;
}

function hasNpmTest(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !('scripts' in parsed)) return false;
    const scripts = parsed.scripts;
    if (typeof scripts !== 'object' || scripts === null || !('test' in scripts)) return false;
    return typeof scripts.test === 'string' && scripts.test.trim() !== '' && !NPM_PLACEHOLDER.test(scripts.test);
  } catch {
    // A package.json that does not parse has no usable script.
    return false;
  }
}

/** The folders where Python test files are looked for, in this order (the root's own `test_*.py` as well). */
const TEST_FOLDERS = ['tests', 'test'];
/**
 * pytest's own configuration or use: `[tool.pytest…]` in pyproject.toml, `[tool:pytest]` in setup.cfg, `[pytest]` in
 * tox.ini or a tox environment that installs or runs it (`deps = pytest`, `commands = py.test …`: tkem/cachetools).
 */
const PYTEST_CONFIG: [string, RegExp][] = [['pyproject.toml', /\[tool\.pytest|\bpytest\b/], ['setup.cfg', /\[tool:pytest\]/], ['tox.ini', /^\[pytest\]|\bpy\.?test\b/m]];
/** Files naming a project's dependencies, where pytest listed means the project runs it. */
const REQUIREMENTS = ['requirements.txt', 'requirements-dev.txt', 'requirements_dev.txt', 'dev-requirements.txt', 'requirements-test.txt', 'test-requirements.txt', 'setup.py'];
/**
 * A test file written for pytest: it imports pytest, or defines a test as a plain module-level function, which
 * unittest never runs.
 */
const PYTEST_FILE = /^\s*(?:import pytest\b|from pytest\b)|^def test\w*\s*\(/m;
/** A test file written for the standard library's unittest. */
const UNITTEST_FILE = /^\s*(?:import unittest\b|from unittest\b)/m;
/** How many test files are read at most (the first of each folder, sorted), to keep detection quick. */
const MAX_TEST_FILES = 40;

/**
 * Which Python runner the repository's tests are written for, on evidence only: pytest when its configuration
 * (`pytest.ini`, `conftest.py`, PYTEST_CONFIG), its listing as a dependency (REQUIREMENTS, pyproject) or a test file
 * (PYTEST_FILE) says so; unittest when the test files import unittest and nothing says pytest (hukkin/tomli: a
 * `tests/` folder of `unittest.TestCase` files, run by `python -m unittest`, without pytest installed); pytest
 * for any other `.py` file in `tests/` (pytest runs plain test files and unittest's both). Undefined: no Python
 * tests.
 */
async function pythonRunner(root: string): Promise<'pytest' | 'unittest' | undefined> {
  if ((await readText(join(root, 'pytest.ini'))) !== undefined) return 'pytest';
  if ((await readText(join(root, 'conftest.py'))) !== undefined) return 'pytest';
  for (const [file, pattern] of PYTEST_CONFIG) if (pattern.test((await readText(join(root, file))) ?? '')) return 'pytest';
  for (const file of REQUIREMENTS) if (/\bpytest\b/.test((await readText(join(root, file))) ?? '')) return 'pytest';
  const files = await testFiles(root);
  if (files.length === 0) return undefined;
  let unittest = false;
  for (const file of files) {
    if (file.endsWith('conftest.py')) return 'pytest';
    const text = (await readText(join(root, file))) ?? '';
    if (PYTEST_FILE.test(text)) return 'pytest';
    unittest ||= UNITTEST_FILE.test(text);
  }
  return unittest ? 'unittest' : files.some((f) => f.startsWith('tests/')) ? 'pytest' : undefined;
}

/** The first of TEST_FOLDERS that exists at the root, as its name. */
async function firstTestFolder(root: string): Promise<string | undefined> {
  for (const folder of TEST_FOLDERS) {
    try {
      await readdir(join(root, folder));
      return folder;
    } catch {
      // No such folder.
    }
  }
  return undefined;
}

/**
 * The `.py` files of the test folders (`tests/x.py`) and the root's `test_*.py`, up to MAX_TEST_FILES, as
 * root-relative paths.
 */
async function testFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  for (const folder of TEST_FOLDERS) {
    try {
      found.push(...(await readdir(join(root, folder))).filter((e) => e.endsWith('.py')).sort().map((e) => `${folder}/${e}`));
    } catch {
      // No such folder.
    }
  }
  try {
    found.push(...(await readdir(root)).filter((e) => /^test_\w*\.py$/.test(e)).sort());
  } catch {
    // An unreadable root has no tests to read.
  }
  return found.slice(0, MAX_TEST_FILES);
}

/**
 * A package under `src/` (`src/<name>/__init__.py`): importable in a fresh checkout only with `src` on the path,
 * unless pytest's own `pythonpath` setting puts it there (then nothing is added).
 */
async function srcLayout(root: string): Promise<boolean> {
  const configs = await Promise.all(['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini'].map((f) => readText(join(root, f))));
  if (configs.some((c) => c !== undefined && /^\s*pythonpath\s*=/m.test(c))) return false;
  try {
    const entries = await readdir(join(root, 'src'), { withFileTypes: true });
    for (const e of entries) if (e.isDirectory() && (await readText(join(root, 'src', e.name, '__init__.py'))) !== undefined) return true;
  } catch {
    // No src folder.
  }
  return false;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
