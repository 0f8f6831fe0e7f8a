import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShipwrightConfig } from '../../src/core/config/shipwrightConfig';
import type { FileDecision } from '../../src/core/ports/approvalPort';
import { changedFiles } from '../../src/core/workspace/changedFiles';
import { commitChanges } from '../../src/core/workspace/commitAll';
import { mergeApproved } from '../../src/core/workspace/mergeApproved';
import { runTestCommand } from '../../src/core/workspace/testCommandRunner';
import { WorktreeError } from '../../src/core/workspace/worktreeError';
import { WorktreeManager, type CreatedWorktree } from '../../src/core/workspace/worktreeManager';
import { makeFixtureRepo, snapshotCheckout, type FixtureRepo } from '../fixtures/fixtureRepo';

/**
 * What a user with an ordinary JavaScript checkout would check: `.gitignore` says `node_modules/` (with the
 * slash, which matches folders and not the symlink Shipwright used to put in the worktree), real packages are
 * installed, a local untracked note lies around. Whatever a test run or a model writes into the worktree, the
 * commits hold only the change, and a merge never replaces anything of the user's that git does not track.
 */
suite('what is committed and merged on a real checkout', () => {
  let repo: FixtureRepo;
  let wt: CreatedWorktree;
  const approveAll = async (): Promise<FileDecision[]> => (await changedFiles(wt)).map((f) => ({ path: f.path, contentHash: f.contentHash, decision: 'approve' }));

  setup(async () => {
    repo = makeFixtureRepo();
    writeFileSync(join(repo.dir, '.gitignore'), 'node_modules/\ndist/\n');
    repo.git('add', '.gitignore');
    repo.git('commit', '-q', '-m', 'ignore node_modules/ and dist/');
    mkdirSync(join(repo.dir, 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(join(repo.dir, 'node_modules', 'left-pad', 'index.js'), 'module.exports = (s) => s;\n');
    writeFileSync(join(repo.dir, 'notes.txt'), 'my untracked notes\n');
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: ShipwrightConfig.parse({ models: {}, chains: {} }) });
    wt = await manager.create({ id: 's1', title: 'subtract' });
  });
  teardown(() => repo.cleanup());

  test('node_modules/ with the slash: the worktree gets a copy of node_modules, never committed or merged, and the user keeps their packages', async () => {
    assert.equal(wt.dependencies?.how, 'copy');
    assert.ok(lstatSync(join(wt.path, 'node_modules')).isDirectory(), 'a real folder, not a link into the user\'s');
    // A test run writing into the worktree's node_modules (a cache, a patch) does not reach the user's.
    writeFileSync(join(wt.path, 'node_modules', 'left-pad', 'index.js'), 'patched by a test run\n');
    mkdirSync(join(wt.path, 'node_modules', '.cache'));
    writeFileSync(join(wt.path, 'src/extra.js'), 'exports.extra = true;\n');
    const before = snapshotCheckout(repo.dir);
    const r = await commitChanges(wt, 'work');
    assert.ok(r.sha);
    assert.deepEqual(r.refused, [], 'node_modules/ ignores the copied folder');
    assert.deepEqual((await changedFiles(wt)).map((f) => f.path), ['src/extra.js']);
    assert.deepEqual(snapshotCheckout(repo.dir), before, 'nothing of the user\'s changed before the merge');

    const m = await mergeApproved(wt, await approveAll());
    assert.deepEqual(m.merged, ['src/extra.js']);
    assert.ok(lstatSync(join(repo.dir, 'node_modules')).isDirectory(), 'node_modules is still a real folder');
    assert.equal(readFileSync(join(repo.dir, 'node_modules', 'left-pad', 'index.js'), 'utf8'), 'module.exports = (s) => s;\n');
    assert.equal(readFileSync(join(repo.dir, 'notes.txt'), 'utf8'), 'my untracked notes\n');
    // Everything but the merged file and the merge itself (HEAD, index, branch ref, status) is byte-identical.
    const after = snapshotCheckout(repo.dir);
    for (const [k, v] of Object.entries(before)) if (!k.startsWith('.git/') && !k.startsWith('<')) assert.equal(after[k], v, k);
  });

  test('worktree.dependencies "link" with node_modules/ (slash): the symlink is not ignored, and is reported, not committed', async () => {
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: ShipwrightConfig.parse({ models: {}, chains: {}, worktree: { dependencies: 'link' } }) });
    const linked = await manager.create({ id: 's2', title: 'linked' });
    assert.equal(readlinkSync(join(linked.path, 'node_modules')), join(repo.dir, 'node_modules'));
    writeFileSync(join(linked.path, 'src/extra.js'), 'exports.extra = true;\n');
    const r = await commitChanges(linked, 'work');
    assert.deepEqual(r.refused.map((x) => x.path), ['node_modules']);
    assert.match(r.refused[0].reason, /put there by Shipwright.*worktree\.dependencies/);
    assert.deepEqual((await changedFiles(linked)).map((f) => f.path), ['src/extra.js']);
  });

  test('a test run that makes a nested repository and symlinks out of the worktree: reported, not committed', async () => {
    const run = await runTestCommand({
      command: 'git init -q vendored && echo x > vendored/a.js && ln -s /etc/passwd passwd-link && ln -s ../../.. up && ln -s src/calculator.js inside-link && echo ok > src/made.js',
      cwd: wt.path, timeoutMs: 20_000, outputBudgetChars: 2_000,
    });
    assert.equal(run.exitCode, 0, run.output);
    const r = await commitChanges(wt, 'after a test run');
    assert.deepEqual(r.refused.map((x) => x.path).sort(), ['passwd-link', 'up', 'vendored']);
    assert.match(r.refused.find((x) => x.path === 'vendored')?.reason ?? '', /nested git repository/);
    assert.match(r.refused.find((x) => x.path === 'passwd-link')?.reason ?? '', /symlink.*outside the worktree/);
    const committed = repo.git('-C', wt.path, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n');
    assert.ok(committed.includes('src/made.js') && committed.includes('inside-link'));
    for (const p of ['vendored', 'passwd-link', 'up', 'node_modules']) assert.ok(!committed.some((c) => c === p || c.startsWith(`${p}/`)), p);
    assert.doesNotMatch(repo.git('-C', wt.path, 'ls-files', '-s'), /^160000/m, 'no gitlink in the index');
  });

  test('changes someone else staged in forbidden places are unstaged, not committed', async () => {
    mkdirSync(join(wt.path, '.vscode'));
    writeFileSync(join(wt.path, '.vscode', 'tasks.json'), '{"tasks":[{"runOn":"folderOpen"}]}\n');
    symlinkSync('/etc/hostname', join(wt.path, 'host'));
    repo.git('-C', wt.path, 'add', '-f', '.vscode/tasks.json', 'host');
    writeFileSync(join(wt.path, 'src/ok.js'), '1;\n');
    const r = await commitChanges(wt, 'work');
    assert.deepEqual(r.refused.map((x) => x.path).sort(), ['.vscode/tasks.json', 'host']);
    assert.deepEqual((await changedFiles(wt)).map((f) => f.path), ['src/ok.js']);
  });

  test('finish --merge refuses, naming the path, when it would replace an ignored file of the user', async () => {
    mkdirSync(join(repo.dir, 'dist'));
    writeFileSync(join(repo.dir, 'dist', 'bundle.js'), 'the user\'s own build\n');
    // A branch made before this check existed (or by hand) that commits an ignored path.
    mkdirSync(join(wt.path, 'dist'));
    writeFileSync(join(wt.path, 'dist', 'bundle.js'), 'shipwright build\n');
    repo.git('-C', wt.path, 'add', '-f', 'dist/bundle.js');
    repo.git('-C', wt.path, 'commit', '-q', '-m', 'ignored file committed');
    const before = snapshotCheckout(repo.dir);
    await assert.rejects(mergeApproved(wt, await approveAll()), (e: unknown) => {
      assert.ok(WorktreeError.is(e, 'dirty'));
      assert.deepEqual(e.paths, ['dist/bundle.js']);
      assert.match(e.message, /untracked or ignored.*dist\/bundle\.js/);
      return true;
    });
    assert.deepEqual(snapshotCheckout(repo.dir), before);
  });

  test('finish --merge refuses a branch that would put a symlink where the user has a real node_modules folder', async () => {
    // What the old `git add -A` committed: the node_modules symlink itself.
    rmSync(join(wt.path, 'node_modules'), { recursive: true });
    symlinkSync(join(repo.dir, 'node_modules'), join(wt.path, 'node_modules'));
    repo.git('-C', wt.path, 'add', '-f', 'node_modules');
    repo.git('-C', wt.path, 'commit', '-q', '-m', 'old behaviour');
    assert.ok(readlinkSync(join(wt.path, 'node_modules')));
    const before = snapshotCheckout(repo.dir);
    await assert.rejects(mergeApproved(wt, await approveAll()), (e: unknown) => WorktreeError.is(e, 'dirty') && e.paths.includes('node_modules'));
    assert.deepEqual(snapshotCheckout(repo.dir), before);
    assert.ok(lstatSync(join(repo.dir, 'node_modules')).isDirectory());
  });

  test('a merge git stops on (another git process holds the index lock) is a clear error and the checkout is as it was', async () => {
    writeFileSync(join(wt.path, 'src/extra.js'), 'exports.extra = true;\n');
    await commitChanges(wt, 'work');
    writeFileSync(join(repo.dir, '.git', 'index.lock'), '');
    const before = snapshotCheckout(repo.dir);
    await assert.rejects(mergeApproved(wt, await approveAll()), (e: unknown) => {
      assert.ok(WorktreeError.is(e, 'git'));
      assert.match(e.message, /could not merge shipwright\/s1-subtract into main/);
      assert.match(e.message, /left as it was/);
      return true;
    });
    // A `git merge` may record ORIG_HEAD (the commit HEAD was on, which it still is) before it stops.
    const after = snapshotCheckout(repo.dir);
    delete after['.git/ORIG_HEAD'];
    assert.deepEqual(after, before);
    assert.equal(existsSync(join(repo.dir, '.git', 'MERGE_HEAD')), false);
  });
});
