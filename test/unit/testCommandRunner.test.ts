import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectTestCommand } from '../../src/core/workspace/detectTestCommand';
import { runTestCommand } from '../../src/core/workspace/testCommandRunner';
import { trimOutput } from '../../src/core/workspace/trimOutput';
import { makeFixtureRepo } from '../fixtures/fixtureRepo';

suite('runTestCommand', () => {
  let dir: string;
  setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipwright-run-'));
  });
  teardown(() => rmSync(dir, { recursive: true, force: true }));

  test('runs the fixture test command green, then red with the assertion in the output', async () => {
    const repo = makeFixtureRepo();
    try {
      const green = await runTestCommand({ command: 'npm test', cwd: repo.dir, timeoutMs: 60_000, outputBudgetChars: 8_000 });
      assert.equal(green.exitCode, 0, green.output);
      assert.equal(green.timedOut, false);
      assert.match(green.output, /# pass 1/);
      writeFileSync(join(repo.dir, 'src/calculator.js'), 'module.exports = { add: (a, b) => a - b };\n');
      const red = await runTestCommand({ command: 'npm test', cwd: repo.dir, timeoutMs: 60_000, outputBudgetChars: 8_000 });
      assert.notEqual(red.exitCode, 0);
      assert.match(red.output, /# fail 1/);
      assert.match(red.output, /Expected values to be strictly equal/);
    } finally {
      repo.cleanup();
    }
  });

  test('colour and cursor codes of a runner that ignores NO_COLOR are stripped from the output', async () => {
    // nyc's text-summary colours its lines whatever NO_COLOR says (seen on minimist's `npm run tests-only`).
    const r = await runTestCommand({
      command: `printf '\\033[32;1mStatements   : 97.28%%\\033[0m\\n\\033]8;;http://x.example\\007link\\033]8;;\\007 \\033[2Kdone\\n'`,
      cwd: dir,
      timeoutMs: 30_000,
      outputBudgetChars: 1_000,
    });
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output, 'Statements   : 97.28%\nlink done\n');
  });

  test('a hung command is stopped by its timeout, with its children', async () => {
    // The shell starts a background sleep that writes a file when it wakes: it must never wake.
    const r = await runTestCommand({
      command: `echo started; (sleep 3 && touch ${join(dir, 'child-survived')}) & sleep 100`,
      cwd: dir,
      timeoutMs: 500,
      outputBudgetChars: 1_000,
    });
    assert.equal(r.timedOut, true);
    assert.equal(r.exitCode, null);
    assert.match(r.output, /started/);
    await new Promise((res) => setTimeout(res, 3_500));
    assert.throws(() => rmSync(join(dir, 'child-survived')));
  });

  test('combined output is trimmed to the budget, keeping head and tail and saying what was cut', async () => {
    const r = await runTestCommand({
      command: `echo FIRST; for i in $(seq 1 2000); do echo line $i; done; echo LAST >&2; exit 4`,
      cwd: dir,
      timeoutMs: 30_000,
      outputBudgetChars: 500,
    });
    assert.equal(r.exitCode, 4);
    assert.ok(r.output.length < 600, `${r.output.length}`);
    assert.match(r.output, /^FIRST/);
    assert.match(r.output, /LAST\n$/);
    assert.match(r.output, /characters of output cut here; \d+ in all/);
    assert.ok(r.outputChars > 10_000);
    assert.equal(trimOutput('short', 500), 'short');
  });

  test('a command that cannot start is exit 127, not a throw', async () => {
    const r = await runTestCommand({ command: 'definitely-not-a-command-xyz', cwd: dir, timeoutMs: 10_000, outputBudgetChars: 1_000 });
    assert.equal(r.exitCode, 127);
    assert.match(r.output, /not found/);
  });

  test('an aborted run is stopped and says so', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await runTestCommand({ command: 'sleep 100', cwd: dir, timeoutMs: 60_000, outputBudgetChars: 1_000, signal: ac.signal });
    assert.equal(r.cancelled, true);
    assert.equal(r.timedOut, false);
  });
});

suite('detectTestCommand', () => {
  let dir: string;
  setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipwright-detect-'));
  });
  teardown(() => rmSync(dir, { recursive: true, force: true }));

  const UNITTEST = 'import unittest\n\n\nclass TestA(unittest.TestCase):\n    def test_a(self):\n        self.assertTrue(True)\n';
  const cases: [string, Record<string, string>, string | undefined][] = [
    ['package.json scripts.test', { 'package.json': '{"scripts":{"test":"mocha"}}' }, 'npm test'],
    ['npm placeholder is ignored, Makefile wins', { 'package.json': '{"scripts":{"test":"echo \\"Error: no test specified\\" && exit 1"}}', Makefile: 'build:\n\tcc x.c\ntest: build\n\t./run\n' }, 'make test'],
    ['Makefile without test target', { Makefile: 'build:\n\tcc x.c\n' }, undefined],
    ['pyproject with pytest', { 'pyproject.toml': '[tool.pytest.ini_options]\naddopts = "-q"\n' }, 'python3 -m pytest -v'],
    ['pytest.ini', { 'pytest.ini': '[pytest]\n' }, 'python3 -m pytest -v'],
    ['setup.cfg', { 'setup.cfg': '[tool:pytest]\n' }, 'python3 -m pytest -v'],
    ['a tests folder with python', { 'tests/test_x.py': 'def test_x(): pass\n' }, 'python3 -m pytest -v'],
    // tkem/cachetools: src/cachetools/__init__.py and tests/, no pythonpath setting.
    ['a package under src/', { 'src/cachetools/__init__.py': '', 'tests/test_x.py': 'def test_x(): pass\n' }, 'PYTHONPATH=src python3 -m pytest -v'],
    ['a package under src/ that pytest puts on the path', { 'src/pkg/__init__.py': '', 'pyproject.toml': '[tool.pytest.ini_options]\npythonpath = ["src"]\n' }, 'python3 -m pytest -v'],
    // hukkin/tomli: tests/ is a package of unittest.TestCase files (`from . import tomllib`), no pytest anywhere.
    ['unittest tests in a tests package, package under src/', { 'src/tomli/__init__.py': '', 'tests/__init__.py': '', 'tests/test_misc.py': UNITTEST, 'pyproject.toml': '[project]\nname = "tomli"\n' }, 'PYTHONPATH=src python3 -m unittest discover -v'],
    // discover from the root does not enter a folder without __init__.py (Python 3.11: `Ran 0 tests`).
    ['unittest tests in a plain tests folder', { 'tests/test_a.py': UNITTEST }, 'python3 -m unittest discover -v -s tests'],
    ['unittest tests at the root', { 'test_a.py': UNITTEST }, 'python3 -m unittest discover -v'],
    ['unittest tests in a test folder', { 'test/__init__.py': '', 'test/test_a.py': UNITTEST }, 'python3 -m unittest discover -v'],
    ['unittest tests that import pytest too', { 'tests/test_a.py': `import pytest\n${UNITTEST}` }, 'python3 -m pytest -v'],
    ['unittest tests with a conftest.py', { 'tests/conftest.py': '', 'tests/test_a.py': UNITTEST }, 'python3 -m pytest -v'],
    ['unittest tests with pytest in requirements-dev.txt', { 'requirements-dev.txt': 'pytest>=7\n', 'tests/test_a.py': UNITTEST }, 'python3 -m pytest -v'],
    ['unittest tests with pytest in tox.ini', { 'tox.ini': '[tox]\n\n[pytest]\naddopts = -q\n', 'tests/test_a.py': UNITTEST }, 'python3 -m pytest -v'],
    // tkem/cachetools: unittest-style test files, run by tox with pytest.
    ['a tox environment that installs and runs pytest (cachetools)', { 'tox.ini': '[tox]\nenvlist = py\n\n[testenv]\ndeps =\n    pytest\ncommands =\n    py.test --basetemp={envtmpdir} {posargs}\n', 'tests/test_a.py': UNITTEST }, 'python3 -m pytest -v'],
    ['a plain test function next to unittest ones', { 'tests/test_a.py': UNITTEST, 'tests/test_b.py': 'def test_b():\n    assert True\n' }, 'python3 -m pytest -v'],
    ['Cargo.toml', { 'Cargo.toml': '[package]\nname = "x"\n' }, 'cargo test --no-fail-fast'],
    ['a Rust crate with a Python helper script in test/', { 'Cargo.toml': '[package]\nname = "x"\n', 'test/gen.py': 'print(1)\n' }, 'cargo test --no-fail-fast'],
    ['go.mod', { 'go.mod': 'module example.com/x\n' }, 'go test ./...'],
    ['nothing', { 'README.md': '# hi\n' }, undefined],
    ['broken package.json', { 'package.json': '{ nope' }, undefined],
  ];
  for (const [name, files, expected] of cases) {
    test(name, async () => {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      assert.equal(await detectTestCommand(dir), expected);
    });
  }
});
