import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../../src/core/deliverables/plan';
import type { FunctionalSpec } from '../../src/core/deliverables/functionalSpec';
import { codeContextFor } from '../../src/core/pipeline/codeContextFor';
import { implementationPhase } from '../../src/core/pipeline/phases/implementationPhase';
import type { Ticket } from '../../src/core/ticket/ticket';
import { edits, script, startPhaseHarness, stepOf, userText, write, type PhaseHarness } from '../fixtures/phaseHarness';

const ticket: Ticket = {
  id: 'valid', kind: 'feature', title: 'A cheap validity check', body: 'Callers want kv.is_valid(text) without catching ValueError.', acceptanceCriteria: ['kv.is_valid(text) is True for a valid document and False otherwise'], dependsOn: [],
};
const spec: FunctionalSpec = {
  summary: 'Add kv.is_valid(text).', userStories: ['As a caller I want to check a document cheaply'],
  acceptanceCriteria: [{ id: 'AC-1', text: 'kv.is_valid(text) is True for a valid document and False otherwise' }], outOfScope: [], openQuestions: [], needFiles: [],
};
const plan: Plan = {
  tasks: [{ id: 'T1', title: 'is_valid', description: 'Add def is_valid(text) -> bool to src/kv/_parse.py and export it from src/kv/__init__.py.', files: ['src/kv/_parse.py', 'src/kv/__init__.py'], tests: ['tests/test_is_valid.py'], criteria: ['AC-1'] }],
  needFiles: [],
};

const tests = (body: string): string => `import unittest\n\nimport kv\n\n\nclass TestIsValid(unittest.TestCase):\n${body}`;
/**
 * `textwrap` used and never imported: a NameError in the test itself, which no code can make pass (on a line of its
 * own, as the probe's model wrote it: inside `kv.is_valid(…)` the missing attribute would be raised first).
 */
const nameErrorTests = tests('    def test_valid(self):\n        doc = textwrap.dedent("a = 1\\n")\n        self.assertIs(kv.is_valid(doc), True)\n\n    def test_invalid(self):\n        self.assertIs(kv.is_valid("a 1\\n"), False)\n');
const goodTests = tests('    def test_valid(self):\n        self.assertIs(kv.is_valid("a = 1\\n"), True)\n\n    def test_invalid(self):\n        """A line without `=` is not valid."""\n        self.assertIs(kv.is_valid("a 1\\n"), False)\n');
const fixture = (path: string): string => readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'pykv', path), 'utf8');
const code = `${fixture('src/kv/_parse.py')}\n\ndef is_valid(text):\n    """Whether \`text\` parses."""\n    try:\n        loads(text)\n    except ValueError:\n        return False\n    return True\n`;
const init = fixture('src/kv/__init__.py').replace('from ._parse import loads', 'from ._parse import is_valid, loads').replace('__all__ = ("loads",)', '__all__ = ("is_valid", "loads")');

/**
 * The implementation phase on a real Python repository tested with the standard library's unittest
 * (test/fixtures/pykv: src layout, a tests/ package, one test failing before any change, no pytest), run by the
 * real python3: the command is detected, names are read from `unittest -v`, a NameError in the new test is refused.
 */
suite('implementation on a unittest repository', function () {
  this.timeout(120_000);
  let h: PhaseHarness | undefined;
  teardown(async () => {
    await h?.close();
    h = undefined;
  });

  test('the spec phases are told the repository\'s runner is unittest, not left to guess (a pytest-style test function would never run)', async () => {
    h = await startPhaseHarness(ticket, script({}).respond, 'pykv');
    const { code } = await codeContextFor(h.context({}));
    assert.match(code, /^Test command: `PYTHONPATH=src python3 -m unittest discover -v`\nTest framework: unittest\nTest files \(3\): tests\/__init__\.py, tests\/test_known\.py, tests\/test_loads\.py/);
  });

  test('detected as unittest; a NameError in the new test is the wrong reason; the known failure is excluded from red and from green', async () => {
    const s = script({
      tests: [edits('tests', write('tests/test_is_valid.py', nameErrorTests)), edits('tests', write('tests/test_is_valid.py', goodTests))],
      code: [edits('is_valid', write('src/kv/_parse.py', code), write('src/kv/__init__.py', init))],
    });
    h = await startPhaseHarness(ticket, s.respond, 'pykv');
    const out = await implementationPhase(h.context({ discovery: spec, planning: plan }));
    assert.equal(out.status, 'done', JSON.stringify(out));
    const runs = h.events.flatMap((e) => (e.type === 'testRun' ? [e] : []));
    assert.ok(runs.every((r) => r.summary.includes('`PYTHONPATH=src python3 -m unittest discover -v`')), runs.map((r) => r.summary).join('\n'));
    assert.ok(h.events.some((e) => e.type === 'log' && /already fails before any change.*test_quoted_value \(tests\.test_known\.TestKnown\.test_quoted_value\)/.test(e.message)));
    const objections = h.attempts.map((a) => a.objections.map((o) => o.message).join(' | '));
    assert.match(objections[0], /wrong reason: `textwrap` is not defined where the test uses it \(\.\/tests\/test_is_valid\.py:8\)/);
    assert.equal(objections[1], '');
    assert.match(userText(s.seen.filter((r) => stepOf(r) === 'tests')[1]), /`textwrap` is not defined/);
    // Green with the known failure still failing: the last run exits 1 and passes.
    const last = runs.at(-1);
    assert.ok(last !== undefined && last.passed && last.exitCode === 1, last?.summary);
  });

  test('a `unittest.pyc` that code under test wrote at the root (imported as unittest, printing OK) is deleted before the next run, which is red', async () => {
    // Wrong code that, when the tests import it, compiles a fake unittest (print OK, exit 0) to ./unittest.pyc: a
    // sourceless module `python -m unittest` would import instead of the real one on every later run.
    const plant = [
      'import os as _os, py_compile as _pc, tempfile as _tf',
      '_src = _os.path.join(_tf.gettempdir(), "fake_unittest.py")',
      'with open(_src, "w") as _f:',
      '    _f.write("import sys\\nprint(\'Ran 2 tests in 0.001s\\\\n\\\\nOK\')\\nsys.exit(0)\\n")',
      'try:',
      '    _pc.compile(_src, cfile=_os.path.join(_os.getcwd(), "unittest.pyc"), doraise=True)',
      'except Exception:',
      '    pass',
    ].join('\n');
    const wrong = code.replace('    return True\n', '    return False\n');
    const s = script({
      tests: [edits('tests', write('tests/test_is_valid.py', goodTests))],
      code: [
        edits('plant', write('src/kv/_parse.py', `${wrong}\n${plant}\n`), write('src/kv/__init__.py', init)),
        edits('wrong again', write('src/kv/_parse.py', wrong), write('src/kv/__init__.py', init)),
        edits('is_valid', write('src/kv/_parse.py', code), write('src/kv/__init__.py', init)),
      ],
    });
    h = await startPhaseHarness(ticket, s.respond, 'pykv');
    const out = await implementationPhase(h.context({ discovery: spec, planning: plan }));
    assert.equal(out.status, 'done', JSON.stringify(out));
    const code3 = h.attempts.filter((a) => a.why.includes('T1'));
    assert.equal(code3.length, 3, 'the second, wrong answer was not judged by the planted module');
    assert.ok(h.events.some((e) => e.type === 'log' && /bytecode without its source.*deleted before the test run: unittest\.pyc/.test(e.message)));
    assert.equal(readFileSync(join(h.worktree.path, 'src/kv/_parse.py'), 'utf8'), code);
  });

  test('code that silences the runner and forces exit 0 is not green: the same command named its passing tests before any change', async () => {
    // As a probe's code step did on hukkin/tomli: stdout and stderr thrown away, and `os._exit(0)` at exit.
    const silence = 'import atexit as _ae, os as _os, sys as _sys\n_sys.stdout = _sys.stderr = open(_os.devnull, "w")\n_ae.register(lambda: _os._exit(0))\n';
    const wrong = code.replace('    return True\n', '    return False\n');
    const s = script({
      tests: [edits('tests', write('tests/test_is_valid.py', goodTests))],
      code: [
        edits('silence', write('src/kv/_parse.py', `${wrong}\n${silence}`), write('src/kv/__init__.py', init)),
        edits('is_valid', write('src/kv/_parse.py', code), write('src/kv/__init__.py', init)),
      ],
    });
    h = await startPhaseHarness(ticket, s.respond, 'pykv');
    const out = await implementationPhase(h.context({ discovery: spec, planning: plan }));
    assert.equal(out.status, 'done', JSON.stringify(out));
    const runs = h.events.flatMap((e) => (e.type === 'testRun' ? [e] : []));
    const silenced = runs.find((r) => r.exitCode === 0 && !r.passed) ?? assert.fail(runs.map((r) => r.summary).join('\n'));
    assert.match(silenced.summary, /exited 0.*not green: it names no passing test, where the same command named \d+ before any change/);
    assert.equal(h.attempts.filter((a) => a.why.includes('T1')).length, 2);
    assert.equal(readFileSync(join(h.worktree.path, 'src/kv/_parse.py'), 'utf8'), code);
  });
});
