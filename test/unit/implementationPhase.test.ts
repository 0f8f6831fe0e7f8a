import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FunctionalSpec } from '../../src/core/deliverables/functionalSpec';
import type { Plan } from '../../src/core/deliverables/plan';
import type { ReviewReport } from '../../src/core/deliverables/reviewReport';
import type { PipelineEvent } from '../../src/core/pipeline/pipelineEvent';
import { ciFixPhase } from '../../src/core/pipeline/phases/ciFixPhase';
import { implementationPhase } from '../../src/core/pipeline/phases/implementationPhase';
import { reviewPhase } from '../../src/core/pipeline/phases/reviewPhase';
import type { Ticket } from '../../src/core/ticket/ticket';
import type { FakeReply } from '../fakes/fakeScript';
import { snapshotCheckout } from '../fixtures/fixtureRepo';
import { edits, script, startPhaseHarness, stepOf, userText, write, type PhaseHarness } from '../fixtures/phaseHarness';

const ticket: Ticket = {
  id: 'sub', kind: 'feature', title: 'Add subtract', body: 'The calculator needs sub(a, b).', acceptanceCriteria: ['sub(a, b) returns a - b'], dependsOn: [],
};
const spec: FunctionalSpec = {
  summary: 'Add sub(a, b) to the calculator.', userStories: ['As a user I want to subtract'],
  acceptanceCriteria: [{ id: 'AC-1', text: 'sub(a, b) returns a - b' }], outOfScope: [], openQuestions: [], needFiles: [],
};
const plan: Plan = {
  tasks: [{ id: 'T1', title: 'Add sub()', description: 'Add and export sub(a, b) in src/calculator.js', files: ['src/calculator.js'], tests: ['test/sub.test.js'], criteria: ['AC-1'] }],
  needFiles: [],
};
const deliverables = { discovery: spec, planning: plan };

const header = "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\nconst calc = require('../src/calculator');\n";
const goodTests = `${header}test('sub subtracts', () => {\n  assert.equal(calc.sub(5, 3), 2);\n  assert.equal(calc.sub(0, 4), -4);\n});\n`;
const passingTests = `${header}test('add still adds', () => {\n  assert.equal(calc.add(1, 1), 2);\n});\n`;
const brokenTests = `${header}test('sub subtracts', () => {\n  assert.equal(calc.sub(5, 3), 2;\n});\n`;
const goodCode = "'use strict';\n\nfunction add(a, b) {\n  return a + b;\n}\n\nfunction sub(a, b) {\n  return a - b;\n}\n\nmodule.exports = { add, sub };\n";
const wrongCode = goodCode.replace('return a - b;', 'return b - a;');

const approve: FakeReply = { json: { decision: 'approve', summary: 'sub() is correct and tested.', findings: [] } satisfies ReviewReport };

const testRuns = (events: PipelineEvent[]) => events.flatMap((e) => (e.type === 'testRun' ? [`${e.phase}:${e.expect}:${e.passed ? 'pass' : 'fail'}`] : []));

suite('implementation, ciFix and review phases', function () {
  this.timeout(120_000);
  let h: PhaseHarness | undefined;
  teardown(async () => {
    await h?.close();
    h = undefined;
  });

  test('a feature goes red → green → reviewed, committed step by step, the user checkout untouched', async () => {
    const s = script({ tests: [edits('tests for sub', write('test/sub.test.js', goodTests))], code: [edits('add sub', write('src/calculator.js', goodCode))], review: [approve] });
    h = await startPhaseHarness(ticket, s.respond);
    const before = snapshotCheckout(h.repo.dir);

    const impl = await implementationPhase(h.context(deliverables));
    assert.equal(impl.status, 'done', JSON.stringify(impl));
    assert.deepEqual(testRuns(h.events), ['implementation:green:pass', 'implementation:red:fail', 'implementation:green:pass']);
    const log = h.repo.git('log', '--format=%s', `${h.worktree.baseCommit}..${h.worktree.branch}`).trim().split('\n');
    assert.deepEqual(log, ['shipwright(sub): T1 Add sub() (green)', 'shipwright(sub): failing tests first (red) — Add subtract']);
    // The red commit really is red: its tests fail against its code.
    assert.equal(h.repo.git('show', `${h.worktree.branch}~1:test/sub.test.js`), goodTests);
    assert.doesNotMatch(h.repo.git('show', `${h.worktree.branch}~1:src/calculator.js`), /sub/);
    assert.match(impl.status === 'done' ? impl.markdown : '', /## Tests first \(red\)[\s\S]*calc\.sub is not a function[\s\S]*## Result \(green\)/);

    // The code session saw its task, its files and the failing output — not the design or the repository map.
    const code = userText(s.seen.find((r) => stepOf(r) === 'code') ?? assert.fail('no code call'));
    assert.match(code, /T1: Add sub\(\)/);
    assert.match(code, /=== src\/calculator\.js/);
    assert.match(code, /calc\.sub is not a function/);
    assert.doesNotMatch(code, /As a user I want to subtract/);

    const review = await reviewPhase(h.context({ ...deliverables, implementation: impl.status === 'done' ? impl.deliverable : undefined }));
    assert.equal(review.status, 'done');
    const reviewed = userText(s.seen.find((r) => stepOf(r) === 'review') ?? assert.fail('no review call'));
    assert.match(reviewed, /\+function sub\(a, b\)/);
    assert.doesNotMatch(reviewed, /\.shipwright/);
    assert.deepEqual(snapshotCheckout(h.repo.dir), before);
  });

  test("a code step is shown its task's tests while they fail, not once an earlier task has made the suite green", async () => {
    const twoTasks: Plan = {
      tasks: [plan.tasks[0], { id: 'T2', title: 'Document sub()', description: 'Mention sub(a, b) in the README', files: ['README.md'], tests: ['test/sub.test.js'], criteria: ['AC-1'] }],
      needFiles: [],
    };
    const s = script({
      tests: [edits('tests for sub', write('test/sub.test.js', goodTests))],
      code: [edits('add sub', write('src/calculator.js', goodCode)), edits('document sub', write('README.md', '# Calculator\n\n`add(a, b)` and `sub(a, b)`.\n'))],
    });
    h = await startPhaseHarness(ticket, s.respond);
    const impl = await implementationPhase(h.context({ discovery: spec, planning: twoTasks }));
    assert.equal(impl.status, 'done', JSON.stringify(impl));
    const [t1, t2] = s.seen.filter((r) => stepOf(r) === 'code').map(userText);
    assert.match(t1, /=== test\/sub\.test\.js/, 'T1 sees the failing tests');
    assert.match(t2, /=== README\.md/);
    assert.doesNotMatch(t2, /=== test\/sub\.test\.js/, 'T2 starts on a green suite: the tests are not shown');
  });

  test('tests that pass before any code, and tests with a syntax error, are objections; their files are undone', async () => {
    const s = script({
      tests: [edits('passing', write('test/add-again.test.js', passingTests)), edits('broken', write('test/sub.test.js', brokenTests)), edits('good', write('test/sub.test.js', goodTests))],
      code: [edits('add sub', write('src/calculator.js', goodCode))],
    });
    h = await startPhaseHarness(ticket, s.respond);
    const out = await implementationPhase(h.context(deliverables));
    assert.equal(out.status, 'done');
    const objections = h.attempts.map((a) => a.objections.map((o) => o.message).join(' | '));
    assert.match(objections[0], /pass before any code is written/);
    assert.match(objections[1], /wrong reason: a SyntaxError in the test code/);
    assert.equal(objections[2], '');
    assert.equal(existsSync(join(h.worktree.path, 'test/add-again.test.js')), false);
    // The retry's prompt carried both earlier objections.
    const third = userText(s.seen.filter((r) => stepOf(r) === 'tests')[2]);
    assert.match(third, /pass before any code[\s\S]*SyntaxError/);
  });

  test('a code session that weakens the tests or writes into .git is refused with nothing written', async () => {
    const s = script({
      tests: [edits('tests', write('test/sub.test.js', goodTests))],
      code: [
        edits('weaken', write('src/calculator.js', goodCode), write('test/sub.test.js', goodTests.replace("test('sub", "test.skip('sub"))),
        edits('fewer asserts', write('test/sub.test.js', goodTests.replace('  assert.equal(calc.sub(0, 4), -4);\n', ''))),
        edits('delete', { kind: 'delete', path: 'test/sub.test.js' }),
        edits('hook', write('.git/hooks/pre-commit', '#!/bin/sh\nexit 0\n')),
        edits('right', write('src/calculator.js', goodCode)),
      ],
    });
    h = await startPhaseHarness(ticket, s.respond);
    const out = await implementationPhase(h.context(deliverables, { attemptCap: 5 }));
    assert.equal(out.status, 'done');
    const code = h.attempts.slice(1).map((a) => a.objections.map((o) => o.message).join(' | '));
    assert.match(code[0], /skip or single out tests/);
    assert.match(code[1], /1 assertions instead of 2/);
    assert.match(code[2], /deleting the test file/);
    assert.match(code[3], /inside \.git/);
    assert.equal(code[4], '');
    assert.equal(readFileSync(join(h.worktree.path, 'test/sub.test.js'), 'utf8'), goodTests);
    assert.equal(existsSync(join(h.worktree.path, '.git/hooks/pre-commit')), false);
    assert.equal(existsSync(join(h.repo.dir, '.git/hooks/pre-commit')), false);
    // The refused batch wrote none of its files: the next attempt was shown calculator.js without sub().
    const second = userText(s.seen.filter((r) => stepOf(r) === 'code')[1]);
    assert.match(second, /=== src\/calculator\.js[\s\S]*module\.exports = \{ add \};/);
  });

  test('a suite still red after the last task is fixed by ciFix within fixRounds', async () => {
    const s = script({
      tests: [edits('tests', write('test/sub.test.js', goodTests))],
      code: [edits('wrong', write('src/calculator.js', wrongCode))],
      fix: [edits('sub had its operands swapped', write('src/calculator.js', goodCode))],
    });
    h = await startPhaseHarness(ticket, s.respond);
    const out = await implementationPhase(h.context(deliverables, { attemptCap: 1, escalationAttempts: 0, fixRounds: 2 }));
    assert.equal(out.status, 'done', JSON.stringify(out));
    assert.ok(h.ledger.some((r) => r.phase === 'ciFix'));
    const fix = userText(s.seen.find((r) => stepOf(r) === 'fix') ?? assert.fail('no fix call'));
    assert.match(fix, /Expected values to be strictly equal/);
    assert.match(h.repo.git('log', '-1', '--format=%B', h.worktree.branch), /Shipwright-Step: ciFix/);
    assert.match(readFileSync(join(h.worktree.path, 'src/calculator.js'), 'utf8'), /return a - b/);
  });

  test('ciFix gives up after fixRounds and hands over with the failing run', async () => {
    const s = script({ tests: [edits('tests', write('test/sub.test.js', goodTests))], code: [edits('wrong', write('src/calculator.js', wrongCode))], fix: [edits('still wrong', write('src/calculator.js', wrongCode))] });
    h = await startPhaseHarness(ticket, s.respond);
    const out = await implementationPhase(h.context(deliverables, { attemptCap: 1, escalationAttempts: 0, fixRounds: 2 }));
    assert.equal(out.status, 'needs-human');
    assert.equal(s.seen.filter((r) => stepOf(r) === 'fix').length, 2);
    assert.match(out.status === 'needs-human' ? out.summary.text : '', /still fails after 2 fix round/);
    // ciFix as a phase of its own reads the same red suite and stops at the same bound.
    const again = await ciFixPhase(h.context(deliverables, { fixRounds: 1 }));
    assert.equal(again.status, 'needs-human');
  });

  test('review requesting changes sends its findings back, bounded, and approves the fixed change', async () => {
    const s = script({
      tests: [edits('tests', write('test/sub.test.js', goodTests))],
      code: [edits('add sub', write('src/calculator.js', goodCode)), edits('document sub', write('src/calculator.js', goodCode.replace('function sub', '/** Subtracts b from a. */\nfunction sub')))],
      review: [
        { json: { decision: 'request-changes', summary: 'sub() has no doc comment', findings: [{ severity: 'blocker', file: 'src/calculator.js', message: 'sub() lacks the doc comment add() has' }] } satisfies ReviewReport },
        approve,
      ],
    });
    h = await startPhaseHarness(ticket, s.respond);
    const impl = await implementationPhase(h.context(deliverables));
    assert.equal(impl.status, 'done');
    const out = await reviewPhase(h.context({ ...deliverables, implementation: impl.status === 'done' ? impl.deliverable : undefined }, { fixRounds: 1 }));
    assert.equal(out.status, 'done', JSON.stringify(out));
    const fix = userText(s.seen.filter((r) => stepOf(r) === 'code')[1]);
    assert.match(fix, /\[review\] src\/calculator\.js: \[blocker\] sub\(\) lacks the doc comment/);
    assert.match(readFileSync(join(h.worktree.path, 'src/calculator.js'), 'utf8'), /Subtracts b from a/);
    assert.match(out.status === 'done' ? out.markdown : '', /after 1 round/);
  });

  test('a hotfix writes the reproducing test red, then the fix green', async () => {
    const hotfix: Ticket = { ...ticket, id: 'neg', kind: 'hotfix', title: 'add() breaks on strings' };
    const diagnosis = {
      symptom: "add('1', 2) returns '12'", rootCause: 'add concatenates strings', suspectFiles: ['src/calculator.js'],
      reproTest: { path: 'test/add-strings.test.js', description: "add('1', 2) is 3" }, fix: 'convert with Number()',
    };
    const repro = `${header}test('numeric strings are added', () => {\n  assert.equal(calc.add('1', 2), 3);\n});\n`;
    const s = script({
      tests: [edits('repro', write('test/add-strings.test.js', repro))],
      code: [
        { json: { explanation: 'need the readme', edits: [], needFiles: ['README.md', '../../etc/passwd'] } },
        edits('fix', { kind: 'replace', path: 'src/calculator.js', search: 'return a + b;', replace: 'return Number(a) + Number(b);' }),
      ],
    });
    h = await startPhaseHarness(hotfix, s.respond);
    const out = await implementationPhase(h.context({ diagnosis }));
    assert.equal(out.status, 'done', JSON.stringify(out));
    assert.deepEqual(testRuns(h.events), ['implementation:green:pass', 'implementation:red:fail', 'implementation:green:pass']);
    assert.match(userText(s.seen[0]), /reproduces the bug, in `test\/add-strings\.test\.js`/);
    // needFiles was granted once, confined: the readme is shown, the escape is not.
    const asked = userText(s.seen.filter((r) => stepOf(r) === 'code')[1]);
    assert.match(asked, /=== README\.md \(\d+ lines\) ===\n# Calculator/);
    assert.match(asked, /=== \.\.\/\.\.\/etc\/passwd ===\n\(not shown: `\.\.` segments are refused\)/);
  });

  test('a hanging test run is stopped by its timeout and objected to; two tickets run at once in one repository', async () => {
    const hang = `${header}test('sub subtracts', () => {\n  setInterval(() => {}, 1000);\n  assert.equal(calc.sub(5, 3), 2);\n});\n`;
    const s = script({
      tests: [edits('hangs', write('test/sub.test.js', hang)), edits('good', write('test/sub.test.js', goodTests))],
      code: [edits('add sub', write('src/calculator.js', goodCode))],
    });
    h = await startPhaseHarness(ticket, s.respond);
    const first = await implementationPhase(h.context(deliverables, { testTimeoutMs: 3_000 }));
    assert.equal(first.status, 'done');
    assert.match(h.attempts[0].objections[0].message, /timed out after/);
    assert.ok(h.events.some((e) => e.type === 'testRun' && e.timedOut));

    // Two more tickets in worktrees of the same repository, implemented at the same time.
    const other: Ticket = { ...ticket, id: 'sub2', title: 'Add subtract again' };
    const third: Ticket = { ...ticket, id: 'sub3', title: 'And again' };
    const [w2, w3] = await Promise.all([h.addWorktree(other), h.addWorktree(third)]);
    const before = snapshotCheckout(h.repo.dir);
    const [o2, o3] = await Promise.all([
      implementationPhase(h.context(deliverables, {}, { ticket: other, worktree: w2 })),
      implementationPhase(h.context(deliverables, {}, { ticket: third, worktree: w3 })),
    ]);
    assert.equal(o2.status, 'done');
    assert.equal(o3.status, 'done');
    for (const w of [w2, w3]) {
      assert.match(h.repo.git('log', '-1', '--format=%s', w.branch), /T1 Add sub\(\) \(green\)/);
      assert.equal(h.repo.git('show', `${w.branch}:test/sub.test.js`), goodTests);
    }
    assert.deepEqual(snapshotCheckout(h.repo.dir), before);
  });

  test('a resumed implementation skips the steps its branch already committed', async () => {
    const s = script({ tests: [edits('tests', write('test/sub.test.js', goodTests))], code: [{ status: 500, message: 'model crashed' }] });
    h = await startPhaseHarness(ticket, s.respond);
    await assert.rejects(implementationPhase(h.context(deliverables)));
    assert.match(h.repo.git('log', '-1', '--format=%B', h.worktree.branch), /Shipwright-Step: tests/);

    h.fake.respond(script({ code: [edits('add sub', write('src/calculator.js', goodCode))] }).respond);
    const testsCalls = h.fake.requests.filter((r) => stepOf(r) === 'tests').length;
    const out = await implementationPhase(h.context(deliverables));
    assert.equal(out.status, 'done');
    assert.equal(h.fake.requests.filter((r) => stepOf(r) === 'tests').length, testsCalls);
    // The given tests are still guarded after the resume: they came from the committed tests step.
    assert.match(out.status === 'done' ? out.markdown : '', /## T1: Add sub\(\)/);
  });
});
