import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShipwrightConfig } from '../../src/core/config/shipwrightConfig';
import type { FileDecision } from '../../src/core/ports/approvalPort';
import { branchDiff, changedFiles } from '../../src/core/workspace/changedFiles';
import { commitAll } from '../../src/core/workspace/commitAll';
import { keepBranch } from '../../src/core/workspace/keepBranch';
import { mergeApproved } from '../../src/core/workspace/mergeApproved';
import { WorktreeError } from '../../src/core/workspace/worktreeError';
import { WorktreeManager, type CreatedWorktree } from '../../src/core/workspace/worktreeManager';
import { makeFixtureRepo, snapshotCheckout, type FixtureRepo } from '../fixtures/fixtureRepo';

suite('changedFiles and mergeApproved', () => {
  let repo: FixtureRepo;
  let wt: CreatedWorktree;
  setup(async () => {
    repo = makeFixtureRepo();
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: ShipwrightConfig.parse({ models: {}, chains: {} }) });
    wt = await manager.create({ id: 'm1', title: 'subtract' });
    // The ticket's work: a modified file, a new file, a deleted file.
    writeFileSync(join(wt.path, 'src/calculator.js'), readFileSync(join(wt.path, 'src/calculator.js'), 'utf8').replace('module.exports = { add };', 'function sub(a, b) {\n  return a - b;\n}\n\nmodule.exports = { add, sub };'));
    writeFileSync(join(wt.path, 'src/extra.js'), 'exports.extra = true;\n');
    writeFileSync(join(wt.path, 'test/calculator.test.js'), readFileSync(join(wt.path, 'test/calculator.test.js'), 'utf8') + "\ntest('sub', () => assert.equal(require('../src/calculator').sub(5, 3), 2));\n");
    await commitAll(wt, 'implementation');
    writeFileSync(join(wt.path, 'notes.tmp'), 'x');
    await commitAll(wt, 'scratch');
    repo.git('-C', wt.path, 'rm', '-q', 'README.md', 'notes.tmp');
    await commitAll(wt, 'drop readme');
  });
  teardown(() => repo.cleanup());

  const approveAll = async (except: string[] = []): Promise<FileDecision[]> =>
    (await changedFiles(wt)).map((f) => ({ path: f.path, contentHash: f.contentHash, decision: except.includes(f.path) ? 'reject' : 'approve' }));

  test('lists the change against the base commit with counts, hashes and diffs', async () => {
    const files = await changedFiles(wt);
    assert.deepEqual(files.map((f) => [f.path, f.status, f.added, f.removed]), [
      ['README.md', 'deleted', 0, 3],
      ['src/calculator.js', 'modified', 5, 1],
      ['src/extra.js', 'added', 1, 0],
      ['test/calculator.test.js', 'modified', 2, 0],
    ]);
    assert.match(files[1].contentHash, /^[0-9a-f]{64}$/);
    assert.equal(files[0].contentHash, '');
    const diff = await branchDiff(wt, { path: 'src/calculator.js' });
    assert.match(diff, /^\+module\.exports = \{ add, sub \};$/m);
    assert.doesNotMatch(diff, /extra/);
  });

  test('merges every approved file into the clean user branch', async () => {
    const r = await mergeApproved(wt, await approveAll());
    assert.equal(r.intoBranch, 'main');
    assert.equal(repo.git('rev-parse', `${r.restoreCommit}^`).trim(), wt.baseCommit, 'one commit on the base, not the branch\'s steps');
    assert.match(readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8'), /function sub/);
    assert.equal(existsSync(join(repo.dir, 'src/extra.js')), true);
    assert.equal(existsSync(join(repo.dir, 'README.md')), false);
    assert.equal(repo.git('rev-parse', 'HEAD').trim(), r.mergeCommit);
    assert.equal(repo.git('status', '--porcelain'), '');
    assert.match(repo.git('log', '-1', '--format=%s'), /Merge shipwright\/m1-subtract/);
  });

  test('rejected files are restored to base on the ticket branch first, and stay out of the merge', async () => {
    const r = await mergeApproved(wt, await approveAll(['src/extra.js', 'README.md']));
    assert.deepEqual(r.leftOut.sort(), ['README.md', 'src/extra.js']);
    assert.ok(r.restoreCommit);
    assert.match(readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8'), /function sub/);
    assert.equal(existsSync(join(repo.dir, 'src/extra.js')), false);
    assert.match(readFileSync(join(repo.dir, 'README.md'), 'utf8'), /# Calculator/);
    // The rejected work is still on the ticket's branch.
    assert.equal(repo.git('show', `${wt.branch}:src/extra.js`), 'exports.extra = true;\n');
  });

  test('a user checkout dirty in a merged file is refused and nothing is lost', async () => {
    writeFileSync(join(repo.dir, 'src/calculator.js'), '// my own unsaved idea\n');
    writeFileSync(join(repo.dir, 'src/extra.js'), 'untracked in the way\n');
    const before = snapshotCheckout(repo.dir);
    const branchHead = repo.git('rev-parse', wt.branch).trim();
    await assert.rejects(mergeApproved(wt, await approveAll(['README.md'])), (e: unknown) => {
      assert.ok(WorktreeError.is(e, 'dirty'));
      assert.deepEqual([...e.paths].sort(), ['src/calculator.js', 'src/extra.js']);
      return true;
    });
    assert.deepEqual(snapshotCheckout(repo.dir), before);
    assert.equal(repo.git('rev-parse', wt.branch).trim(), branchHead);
  });

  test('a stale approval, another branch and a conflict are refused before anything is written', async () => {
    const decisions = await approveAll();
    await assert.rejects(mergeApproved(wt, decisions.map((d) => ({ ...d, contentHash: d.contentHash === '' ? '' : 'old' }))), (e: unknown) => WorktreeError.is(e, 'stale'));

    repo.git('checkout', '-q', '-b', 'other');
    await assert.rejects(mergeApproved(wt, decisions), (e: unknown) => WorktreeError.is(e, 'wrongBranch') && /switch to main/.test(e.message));
    repo.git('checkout', '-q', 'main');

    writeFileSync(join(repo.dir, 'src/calculator.js'), 'module.exports = { add: (a, b) => a + b, mul: (a, b) => a * b };\n');
    repo.git('commit', '-q', '-am', 'user moved on');
    const before = snapshotCheckout(repo.dir);
    await assert.rejects(mergeApproved(wt, decisions), (e: unknown) => WorktreeError.is(e, 'conflict') && e.paths.includes('src/calculator.js'));
    assert.deepEqual(snapshotCheckout(repo.dir), before);
  });

  test('keepBranch puts the approved change on a branch for a pull request, without rejected files or Shipwright\'s notes, and touches nothing of the user\'s', async () => {
    mkdirSync(join(wt.path, '.shipwright', 'm1'), { recursive: true });
    writeFileSync(join(wt.path, '.shipwright', 'm1', '01-discovery.md'), '# Functional spec\n');
    // As the runner commits a phase's deliverable (commitAll refuses `.shipwright`, a protected place for models).
    repo.git('-C', wt.path, 'add', '.shipwright');
    repo.git('-C', wt.path, '-c', 'user.name=Shipwright', '-c', 'user.email=shipwright@localhost', 'commit', '-qm', 'discovery');
    const before = snapshotCheckout(repo.dir);
    const tip = repo.git('rev-parse', wt.branch).trim();
    const k = await keepBranch(wt, await approveAll(['src/extra.js']));
    assert.deepEqual(k, { branch: 'shipwright/m1-subtract-pr', baseCommit: wt.baseCommit, pushHint: 'git push -u origin shipwright/m1-subtract-pr', leftOut: ['.shipwright/m1/01-discovery.md', 'src/extra.js'] });
    const files = repo.git('diff', '--name-only', wt.baseCommit, k.branch).trim().split('\n');
    assert.deepEqual(files, ['README.md', 'src/calculator.js', 'test/calculator.test.js'], 'the approved change only');
    assert.equal(repo.git('rev-parse', `${k.branch}^`).trim(), wt.baseCommit, 'one commit on the base');
    assert.equal(repo.git('rev-parse', wt.branch).trim(), tip, 'the ticket\'s branch keeps its steps and notes');
    assert.deepEqual(snapshotCheckout(repo.dir), before, 'the user\'s checkout is untouched');
    // With the notes asked for (worktree.mergeDeliverables), they are in it; nothing approved keeps the ticket's branch as it is.
    const first = repo.git('rev-parse', k.branch).trim();
    assert.equal((await keepBranch(wt, await approveAll(['src/extra.js']))).branch, k.branch, 'the same change asked twice: the same branch');
    const withNotes = await keepBranch(wt, await approveAll(), { includeDeliverables: true });
    assert.equal(withNotes.branch, 'shipwright/m1-subtract-pr-2');
    assert.equal(repo.git('rev-parse', k.branch).trim(), first, 'the first pull-request branch is never moved');
    assert.ok(repo.git('diff', '--name-only', wt.baseCommit, withNotes.branch).includes('.shipwright/m1/01-discovery.md'));
    const none = await keepBranch(wt, (await approveAll()).map((d) => ({ ...d, decision: 'reject' as const })));
    assert.equal(none.branch, wt.branch);
  });
});
