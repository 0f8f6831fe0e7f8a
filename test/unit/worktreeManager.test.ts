import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShipwrightConfig } from '../../src/core/config/shipwrightConfig';
import { commitAll } from '../../src/core/workspace/commitAll';
import { WorktreeError } from '../../src/core/workspace/worktreeError';
import { dependencyCaches } from '../../src/core/workspace/worktreeDependencies';
import { WorktreeManager } from '../../src/core/workspace/worktreeManager';
import { git, makeFixtureRepo, snapshotCheckout, type FixtureRepo } from '../fixtures/fixtureRepo';

function config(worktree: Record<string, unknown> = {}): ShipwrightConfig {
  return ShipwrightConfig.parse({ models: {}, chains: {}, testTimeoutMs: 20_000, worktree: { copy: ['.env'], link: ['node_modules'], ...worktree } });
}

suite('WorktreeManager', () => {
  let repo: FixtureRepo;
  setup(() => {
    repo = makeFixtureRepo();
  });
  teardown(() => repo.cleanup());

  test('creates the worktree from HEAD outside the checkout and leaves a dirty checkout byte-identical', async () => {
    // A user mid-work: a modified tracked file, a staged file, an untracked file and a stash entry.
    writeFileSync(join(repo.dir, 'README.md'), 'stashed\n');
    repo.git('add', 'README.md');
    repo.git('stash', 'push', '-q', '-m', 'my stash');
    writeFileSync(join(repo.dir, 'src/calculator.js'), '// half-done work\n');
    writeFileSync(join(repo.dir, 'staged.txt'), 'staged\n');
    repo.git('add', 'staged.txt');
    writeFileSync(join(repo.dir, 'notes.txt'), 'untracked\n');
    // An untracked virtualenv (not ignored): one change to the person, not a count of its files.
    mkdirSync(join(repo.dir, '.venv', 'lib'), { recursive: true });
    for (const f of ['a.py', 'b.py', 'c.py']) writeFileSync(join(repo.dir, '.venv', 'lib', f), '\n');
    const head = repo.git('rev-parse', 'HEAD').trim();
    const before = snapshotCheckout(repo.dir);

    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config() });
    const wt = await manager.create({ id: 't1', title: 'Add subtract()!' });

    assert.deepEqual(snapshotCheckout(repo.dir), before);
    assert.equal(wt.branch, 'shipwright/t1-add-subtract');
    assert.equal(wt.baseCommit, head);
    assert.equal(wt.fromBranch, 'main');
    assert.equal(wt.path, join(repo.tmp, '.shipwright-worktrees', 'calculator', 't1'));
    assert.equal(wt.dirty, true);
    assert.deepEqual([...wt.uncommitted].sort(), ['.venv/', 'notes.txt', 'src/calculator.js', 'staged.txt']);
    // The worktree holds the committed file, not the user's half-done work.
    assert.match(readFileSync(join(wt.path, 'src/calculator.js'), 'utf8'), /function add/);
    assert.equal(existsSync(join(wt.path, 'notes.txt')), false);
    assert.equal(git(wt.path, 'rev-parse', 'HEAD').trim(), head);
    assert.equal(git(wt.path, 'branch', '--show-current').trim(), wt.branch);
  });

  test('copies and links git-ignored files that exist, and runs the set-up command', async () => {
    writeFileSync(join(repo.dir, '.gitignore'), '.env\nnode_modules/\n');
    writeFileSync(join(repo.dir, '.env'), 'SECRET=1\n');
    mkdirSync(join(repo.dir, 'node_modules/left-pad'), { recursive: true });
    writeFileSync(join(repo.dir, 'node_modules/left-pad/index.js'), 'module.exports = 1;\n');
    const manager = await WorktreeManager.open({
      repoDir: join(repo.dir, 'src'),
      config: config({ copy: ['.env', 'missing.txt'], setupCommand: 'echo ready > setup-ran.txt' }),
    });
    const wt = await manager.create({ id: 't2', title: 'x' });
    assert.deepEqual(wt.copied, ['.env']);
    assert.deepEqual(wt.linked, ['node_modules']);
    assert.equal(readFileSync(join(wt.path, '.env'), 'utf8'), 'SECRET=1\n');
    assert.equal(lstatSync(join(wt.path, '.env')).isSymbolicLink(), false);
    assert.equal(readlinkSync(join(wt.path, 'node_modules')), join(repo.dir, 'node_modules'));
    assert.equal(wt.setup?.exitCode, 0);
    assert.equal(readFileSync(join(wt.path, 'setup-ran.txt'), 'utf8'), 'ready\n');
  });

  test('a failing set-up command is reported with its output', async () => {
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config({ setupCommand: 'echo broken install; exit 3' }) });
    await assert.rejects(manager.create({ id: 't3', title: 'x' }), (e: unknown) => WorktreeError.is(e, 'setupFailed') && /broken install/.test(e.message));
  });

  test('two tickets at once get separate worktrees and branches that do not see each other', async () => {
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config() });
    const [a, b] = await Promise.all([manager.create({ id: 'a', title: 'first' }), manager.create({ id: 'b', title: 'second' })]);
    assert.notEqual(a.path, b.path);
    writeFileSync(join(a.path, 'src/calculator.js'), 'module.exports = { a: 1 };\n');
    writeFileSync(join(b.path, 'src/calculator.js'), 'module.exports = { b: 2 };\n');
    const [ca, cb] = await Promise.all([commitAll(a, 'a'), commitAll(b, 'b')]);
    assert.ok(ca && cb);
    assert.equal(git(repo.dir, 'show', `${a.branch}:src/calculator.js`), 'module.exports = { a: 1 };\n');
    assert.equal(git(repo.dir, 'show', `${b.branch}:src/calculator.js`), 'module.exports = { b: 2 };\n');
    assert.match(readFileSync(join(repo.dir, 'src/calculator.js'), 'utf8'), /function add/);
    assert.deepEqual((await manager.list()).map((w) => w.ticketId).sort(), ['a', 'b']);
  });

  test('open resumes, create refuses a second worktree, remove only removes what it is asked to', async () => {
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config() });
    const wt = await manager.create({ id: 'r1', title: 'resume me' });
    writeFileSync(join(wt.path, 'work.txt'), 'progress\n');
    assert.equal(await commitAll(wt, 'progress'), git(wt.path, 'rev-parse', 'HEAD').trim());
    assert.equal(await commitAll(wt, 'nothing'), undefined);

    const again = await WorktreeManager.open({ repoDir: repo.dir, config: config() });
    const opened = await again.open('r1');
    assert.equal(opened.path, wt.path);
    assert.equal(opened.baseCommit, wt.baseCommit);
    await assert.rejects(again.create({ id: 'r1', title: 'resume me' }), (e: unknown) => WorktreeError.is(e, 'exists'));
    await assert.rejects(again.open('nope'), (e: unknown) => WorktreeError.is(e, 'notFound'));

    await again.remove('r1', { deleteBranch: false });
    assert.equal(existsSync(wt.path), false);
    assert.equal(repo.git('branch', '--list', wt.branch).trim(), wt.branch);
    const wt2 = await again.create({ id: 'r2', title: 'gone' });
    await again.remove('r2', { deleteBranch: true });
    assert.equal(repo.git('branch', '--list', wt2.branch).trim(), '');
  });

  test('branch names are short and never repeat the slug; an existing branch gets a suffix', async () => {
    assert.equal(WorktreeManager.branchName({ id: 'add-a-subtract-function-to-the', title: 'Add a subtract function to the calculator' }), 'shipwright/add-a-subtract-function-to-the');
    assert.equal(WorktreeManager.branchName({ id: 'PROJ-12', title: 'Add login with a very long title that keeps going on' }), 'shipwright/PROJ-12-add-login-with-a-very-long');
    assert.equal(WorktreeManager.branchName({ id: 'fix-login', title: 'Fix login' }), 'shipwright/fix-login');
    repo.git('branch', 'shipwright/b1-kept');
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config() });
    const wt = await manager.create({ id: 'b1', title: 'kept' });
    assert.equal(wt.branch, 'shipwright/b1-kept-2');
  });

  test('renew starts an untouched worktree again from the checkout, but never one holding a person\'s file, ignored ones included', async () => {
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config({ copy: [], link: [] }) });
    const wt = await manager.create({ id: 't1', title: 'renew me' });
    const known = { path: wt.path, branch: wt.branch, baseCommit: wt.baseCommit, repoRoot: wt.repoRoot };
    // Ignored in every worktree of the repository (as a global or a .gitignore rule would).
    writeFileSync(join(repo.dir, '.git', 'info', 'exclude'), '.venv/\n.env.local\n__pycache__/\n');
    mkdirSync(join(wt.path, '.venv', 'bin'), { recursive: true });
    writeFileSync(join(wt.path, '.venv', 'bin', 'pytest'), '#!/bin/sh\n');
    writeFileSync(join(wt.path, '.env.local'), 'TOKEN=mine\n');
    assert.equal(await manager.renew({ id: 't1', title: 'renew me' }, known), undefined, 'a virtualenv and a .env.local made there are someone\'s');
    assert.ok(existsSync(join(wt.path, '.venv', 'bin', 'pytest')) && existsSync(join(wt.path, '.env.local')));

    rmSync(join(wt.path, '.venv'), { recursive: true });
    rmSync(join(wt.path, '.env.local'));
    // A copy Shipwright brought (`worktree.copy`) and a person then edited there is theirs too.
    writeFileSync(join(repo.dir, '.env'), 'A=1\n');
    const copying = await WorktreeManager.open({ repoDir: repo.dir, config: config({ copy: ['.env'], link: [] }) });
    const other = await copying.create({ id: 't2', title: 'copied env' });
    const knownOther = { path: other.path, branch: other.branch, baseCommit: other.baseCommit, repoRoot: other.repoRoot };
    writeFileSync(join(other.path, '.env'), 'A=1\nB=the fix\n');
    assert.equal(await copying.renew({ id: 't2', title: 'copied env' }, knownOther), undefined);
    assert.equal(readFileSync(join(other.path, '.env'), 'utf8'), 'A=1\nB=the fix\n');
    rmSync(join(repo.dir, '.env'));
    mkdirSync(join(wt.path, 'src', '__pycache__'), { recursive: true });
    writeFileSync(join(wt.path, 'src', '__pycache__', 'x.pyc'), 'cache');
    // What `cargo test` leaves before any test runs (RazrFalcon/pico-args), ignored as `cargo new` has it.
    writeFileSync(join(repo.dir, '.git', 'info', 'exclude'), '.venv/\n.env.local\n__pycache__/\n/target\n');
    mkdirSync(join(wt.path, 'target', 'debug'), { recursive: true });
    writeFileSync(join(wt.path, 'target', 'debug', 'pico_args.d'), 'build output');
    writeFileSync(join(repo.dir, 'fix.txt'), 'the fix\n');
    repo.git('add', 'fix.txt');
    repo.git('commit', '-qm', 'the fix');
    const renewed = await manager.renew({ id: 't1', title: 'renew me' }, known);
    assert.equal(renewed?.baseCommit, repo.git('rev-parse', 'HEAD').trim(), 'a test run\'s cache is no reason to keep it');
    assert.ok(existsSync(join(wt.path, 'fix.txt')));
  });

  test('renew keeps an install a person made in the worktree\'s copies, and takes up a fix made to the checkout\'s', async () => {
    writeFileSync(join(repo.dir, '.gitignore'), '.env\nnode_modules/\n.venv/\n');
    repo.git('add', '.gitignore');
    repo.git('commit', '-qm', 'ignore');
    writeFileSync(join(repo.dir, '.env'), 'A=1\n');
    mkdirSync(join(repo.dir, 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(join(repo.dir, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
    mkdirSync(join(repo.dir, '.venv', 'lib'), { recursive: true });
    writeFileSync(join(repo.dir, '.venv', 'lib', 'six.py'), '\n');
    mkdirSync(join(repo.tmp, 'runner'));
    writeFileSync(join(repo.tmp, 'runner', 'package.json'), '{"name":"runner","version":"1.0.0"}\n');
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config({ copy: ['.env', '.venv'], link: [], dependencies: 'copy' }) });
    const knownOf = (w: { path: string; branch: string; baseCommit: string; repoRoot: string }) => ({ path: w.path, branch: w.branch, baseCommit: w.baseCommit, repoRoot: w.repoRoot });

    // A person fixes the set-up stop inside the worktree, with npm itself: that install is theirs.
    const a = await manager.create({ id: 'n1', title: 'npm there' });
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--offline', join(repo.tmp, 'runner')], { cwd: a.path, stdio: 'ignore' });
    assert.equal(await manager.renew({ id: 'n1', title: 'npm there' }, knownOf(a)), undefined);
    assert.ok(existsSync(join(a.path, 'node_modules', 'runner')), 'the package the person installed is still there');

    // Or with pip, into the copied virtualenv (a file added there), which is theirs as well.
    const b = await manager.create({ id: 'n2', title: 'pip there' });
    writeFileSync(join(b.path, '.venv', 'lib', 'pytest.py'), '\n');
    assert.equal(await manager.renew({ id: 'n2', title: 'pip there' }, knownOf(b)), undefined);
    assert.ok(existsSync(join(b.path, '.venv', 'lib', 'pytest.py')));

    // A test run's cache inside a copy is nobody's; a fix made to the checkout's `.env` and node_modules is what
    // the renewed worktree should start with, though the worktree's copies now differ from the checkout's.
    const c = await manager.create({ id: 'n3', title: 'fixed in the checkout' });
    // The baseline run that found the set-up problem made the runners' cache folders first (runTests).
    await dependencyCaches(c.path);
    mkdirSync(join(c.path, '.venv', 'lib', '__pycache__'));
    writeFileSync(join(c.path, '.venv', 'lib', '__pycache__', 'six.cpython-311.pyc'), 'cache');
    writeFileSync(join(repo.dir, '.env'), 'A=1\nB=the fix\n');
    mkdirSync(join(repo.dir, 'node_modules', 'runner'));
    const renewed = await manager.renew({ id: 'n3', title: 'fixed in the checkout' }, knownOf(c));
    assert.ok(renewed !== undefined, 'nothing in the worktree was anyone\'s');
    assert.equal(readFileSync(join(renewed.path, '.env'), 'utf8'), 'A=1\nB=the fix\n');
    assert.ok(existsSync(join(renewed.path, 'node_modules', 'runner')));
  });

  test('a virtualenv the set-up command made is Shipwright\'s: brought (read-only to test runs) and no reason to keep the worktree on renew', async () => {
    writeFileSync(join(repo.dir, '.gitignore'), '.venv/\n');
    repo.git('add', '.gitignore');
    repo.git('commit', '-qm', 'ignore the venv');
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config: config({ copy: [], link: [], setupCommand: 'python3 -m venv .venv --without-pip' }) });
    const wt = await manager.create({ id: 'v1', title: 'venv made by set-up' });
    assert.equal(wt.setup?.exitCode, 0, wt.setup?.output);
    assert.ok(existsSync(join(wt.path, '.venv', 'pyvenv.cfg')));
    assert.ok(wt.brought.includes('.venv'), JSON.stringify(wt.brought));
    const renewed = await manager.renew({ id: 'v1', title: 'venv made by set-up' }, { path: wt.path, branch: wt.branch, baseCommit: wt.baseCommit, repoRoot: wt.repoRoot });
    assert.ok(renewed !== undefined, 'nothing in it was a person\'s');
    assert.ok(renewed.brought.includes('.venv'));
  });

  test('a repository without a commit is refused with a reason', async () => {
    const empty = join(repo.tmp, 'empty');
    mkdirSync(empty);
    git(empty, 'init', '-q');
    const manager = await WorktreeManager.open({ repoDir: empty, config: config() });
    await assert.rejects(manager.create({ id: 'e', title: 'x' }), (e: unknown) => WorktreeError.is(e, 'noCommits'));
    await assert.rejects(WorktreeManager.open({ repoDir: repo.tmp, config: config() }), (e: unknown) => WorktreeError.is(e, 'notARepo'));
  });
});
