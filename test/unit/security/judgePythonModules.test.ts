import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeObjections } from '../../../src/core/pipeline/implementation/judgeGuard';

const rules = { frozen: new Set<string>(), named: new Set(['src/seqtools/coverage.py']), codeStep: true, ticketText: 'Report the coverage depth', pythonNames: new Set(['seqtools']) };
const added = (path: string, after = 'import sys\nsys.exit(0)\n'): string[] => judgeObjections([{ path, before: null, after }], rules).map((o) => o.message);

suite('security: a new Python module named like the standard library\'s or a runner\'s, where Python imports it first', function () {
  this.timeout(60_000);

  test('real python3: a root argparse.py, difflib.py or pprint.py makes `python3 -m unittest` pass a failing suite, and each is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'judge-py-'));
    try {
      writeFileSync(join(dir, 'test_kv.py'), 'import unittest\n\nclass T(unittest.TestCase):\n    def test_loads(self):\n        self.assertEqual(1, 2)\n');
      const unittest = (): number | null => spawnSync('python3', ['-m', 'unittest'], { cwd: dir, encoding: 'utf8' }).status;
      assert.equal(unittest(), 1, 'the suite fails as written');
      for (const name of ['argparse', 'difflib', 'pprint']) {
        writeFileSync(join(dir, `${name}.py`), 'import sys\nsys.exit(0)\n');
        assert.equal(unittest(), 0, `${name}.py made the failing suite pass`);
        unlinkSync(join(dir, `${name}.py`));
        assert.match(added(`${name}.py`).join(), new RegExp(`module named \`${name}\`, like one of Python's standard library`));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('every top-level place counts (root, src/, lib/, tests/, a package), and so do the runners and a sourceless .pyc anywhere', () => {
    for (const p of ['src/difflib.py', 'lib/pprint.py', 'tests/argparse.py', 'json/__init__.py', 'src/unittest/__init__.py', 'pytest.py', 'src/_pytest/__init__.py', 'pluggy.py', 'coverage.py', 'tests/nose2.py', 'py.py', 'tests/unit/argparse.pyc', 'unittest/__init__.pyc']) {
      assert.equal(added(p).length, 1, p);
    }
  });

  test('the project\'s own module of such a name inside its package is its own code: written and changed freely', () => {
    const change = { path: 'src/seqtools/coverage.py', before: 'def depth(reads):\n    return 0\n', after: 'def depth(reads):\n    return len(reads)\n' };
    assert.deepEqual(judgeObjections([change], rules), []);
    for (const p of ['src/seqtools/coverage.py', 'src/seqtools/json.py', 'tests/unit/argparse.py', 'docs/conf.py', 'src/seqtools/__pycache__/argparse.cpython-311.pyc', 'src/seqtools/depth.py']) {
      assert.deepEqual(added(p, 'def depth(reads):\n    return len(reads)\n'), [], p);
    }
  });
});
