import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeObjections } from '../../../src/core/pipeline/implementation/judgeGuard';

const rules = { frozen: new Set<string>(), named: new Set(['pyproject.toml']), codeStep: true, ticketText: 'Add loads() (pyproject.toml)' };
const refusals = (before: string, after: string): string[] => judgeObjections([{ path: 'pyproject.toml', before, after }], rules).map((o) => o.message);
const pyproject = '[project]\nname = "kv"\nversion = "0.1.0"\ndependencies = []\n';
const deselect = 'addopts = "--deselect tests/test_kv.py::test_loads"';

/** Spellings of one pytest setting that a header-by-header reading missed: pytest reads the file with tomllib. */
const weakened: [string, string][] = [
  ['a header with spaces', `${pyproject}\n[ tool.pytest.ini_options ]\n${deselect}\n`],
  ['a quoted key in the header', `${pyproject}\n[tool."pytest".ini_options]\n${deselect}\n`],
  ['a dotted key under [tool]', `${pyproject}\n[tool]\npytest.ini_options.${deselect}\n`],
];

suite('security: pyproject.toml is read as TOML, so pytest\'s settings cannot be changed under another spelling', function () {
  this.timeout(60_000);

  for (const [name, after] of weakened) test(`${name} is refused`, () => assert.match(refusals(pyproject, after).join(), /sections decide how the tests and checks run/));

  test('real pytest: each spelling drops the failing test and the run passes (what the refusal prevents)', function () {
    if (spawnSync('python3', ['-m', 'pytest', '--version']).status !== 0) this.skip(); // CI installs python3 without pytest
    const dir = mkdtempSync(join(tmpdir(), 'judge-pyproject-'));
    try {
      mkdirSync(join(dir, 'tests'));
      writeFileSync(join(dir, 'tests', 'test_kv.py'), 'def test_loads():\n    assert 1 == 2\n\ndef test_other():\n    assert 1 == 1\n');
      const pytest = (toml: string): number | null => {
        writeFileSync(join(dir, 'pyproject.toml'), toml);
        return spawnSync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: dir, encoding: 'utf8' }).status;
      };
      assert.equal(pytest(pyproject), 1, 'the failing test fails the run');
      for (const [name, after] of weakened) assert.equal(pytest(after), 0, name);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the project\'s other tables may change; a file that is no TOML is refused', () => {
    assert.deepEqual(refusals(pyproject, pyproject.replace('dependencies = []', 'dependencies = ["attrs>=23"]')), []);
    assert.deepEqual(refusals(`${pyproject}\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n`, `${pyproject}\n[tool.pytest]\nini_options = { testpaths = ["tests"] }\n`), [], 'the same setting written another way');
    assert.match(refusals(pyproject, `${pyproject}\n[tool.pytest.ini_options\n`).join(), /would not be valid TOML/);
  });
});
