import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CHECK_COMMAND } from '../../src/core/eval/evalInstance';
import { readSuite } from '../../src/core/eval/readSuite';
import { runHiddenChecks } from '../../src/core/eval/runHiddenChecks';
import { DEFAULT_SANDBOX } from '../../src/core/sandbox/sandboxSettings';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { scriptedModel } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';
import { shipwrightAsync } from './evalTestKit';

const root = join(__dirname, '..', '..', '..');

suite('shipwright eval-suite: finished tickets of the repository become suite instances', function () {
  this.timeout(120_000);
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('a merged ticket becomes an instance whose merged test fails at its base commit and passes on its branch', async () => {
    kit = await engineKit({ ollama: scriptedModel().responder });
    const file = join(root, 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');
    const ran = await kit.engine.run(parseTicket(readFileSync(file, 'utf8'), file));
    assert.equal(ran.state, 'ready', ran.reason);
    const files = await kit.engine.changedFiles(ran.ticket.id);
    const done = await kit.engine.finish(ran.ticket.id, files.map((f) => ({ path: f.path, decision: 'approve' as const, contentHash: f.contentHash })), 'merge');
    assert.equal(done.state, 'done', done.reason);

    const suiteFile = join(kit.repo.tmp, 'mine.json');
    const r = await shipwrightAsync(['eval-suite', '--workspace', kit.repo.dir, '--out', suiteFile], { cwd: kit.repo.tmp });
    assert.equal(r.code, 0, r.err);
    const suite = await readSuite(suiteFile);
    assert.equal(suite.instances.length, 1);
    const [inst] = suite.instances;
    assert.equal(inst.id, ran.ticket.id);
    assert.equal(inst.repo, kit.repo.dir);
    assert.equal(inst.baseCommit, ran.worktree!.baseCommit);
    assert.equal(inst.ticket.title, ran.ticket.title);
    assert.deepEqual(inst.failToPass, ['test/subtract.test.js']);
    assert.deepEqual(inst.passToPass, ['test/calculator.test.js']);
    assert.match(inst.testPatch, /\+\+\+ b\/test\/subtract\.test\.js/);
    assert.doesNotMatch(inst.testPatch, /src\/calculator\.js|\.shipwright\//, 'only tests are in the hidden patch');

    // The checks mean something: at the base commit the merged test fails; on the ticket's branch it passes.
    const check = (commit: string, name: string) => runHiddenChecks({
      instance: { ...inst, checkCommand: DEFAULT_CHECK_COMMAND }, repoDir: kit!.repo.dir, baseCommit: inst.baseCommit, commit, checksDir: join(kit!.repo.tmp, 'checks'),
      name, link: [], dependencies: 'auto', sandbox: DEFAULT_SANDBOX, timeoutMs: 60_000, outputBudgetChars: 4_000,
    });
    const atBase = await check(inst.baseCommit, 'base');
    assert.deepEqual(atBase.failToPass.map((c) => c.passed), [false]);
    assert.deepEqual(atBase.passToPass.map((c) => c.passed), [true]);
    const onBranch = await check(kit.repo.git('rev-parse', ran.worktree!.branch).trim(), 'branch');
    assert.deepEqual([...onBranch.failToPass, ...onBranch.passToPass].map((c) => c.passed), [true, true]);
    assert.equal(kit.repo.git('worktree', 'list').trim().split('\n').length, 2, 'the check checkouts are gone (the ticket worktree remains)');
  });

  test('nothing finished: a set-up error (exit 2) that says so', async () => {
    kit = await engineKit();
    const r = await shipwrightAsync(['eval-suite', '--workspace', kit.repo.dir], { cwd: kit.repo.tmp });
    assert.equal(r.code, 2);
    assert.match(r.err, /no finished ticket with tests in its change/);
  });
});
