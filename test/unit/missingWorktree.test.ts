import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureWorktree } from '../../src/core/workspace/ensureWorktree';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { scriptedModel } from '../fakes/scriptedModel';
import { git, snapshotCheckout } from '../fixtures/fixtureRepo';
import { engineKit, type EngineKit } from './engineTestKit';

/** The user's checkout without Shipwright's run store (`.git/shipwright/runs`, written by design). */
const checkout = (dir: string): Record<string, string> => Object.fromEntries(Object.entries(snapshotCheckout(dir)).filter(([k]) => !k.startsWith('.git/shipwright/')));

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');

/**
 * A worktree deleted mid-run (by the user or a cleanup tool) while the whole temp folder — repository and
 * worktrees — sits inside an enclosing git repository (a home directory or a monorepo under git): the run stops
 * with a clear message, nothing is committed to the enclosing repository or the user's checkout, and resume
 * re-creates the worktree from the ticket's branch and finishes.
 */
suite('a worktree deleted mid-run inside an enclosing repository', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('stops with a clear message, writes nothing elsewhere, and resume re-creates it from the branch', async () => {
    const model = scriptedModel();
    let deleteOnCall = 3; // discovery, its validation, then techSpec: the folder goes while techSpec runs
    let calls = 0;
    let deleted = '';
    kit = await engineKit({
      ollama: (req) => {
        calls += 1;
        if (calls === deleteOnCall && deleted !== '') rmSync(deleted, { recursive: true, force: true });
        return model.responder(req);
      },
    });
    const enclosing = kit.repo.tmp;
    git(enclosing, 'init', '-q', '-b', 'main');
    writeFileSync(join(enclosing, 'home.txt'), 'the enclosing repository\n');
    git(enclosing, 'add', 'home.txt');
    git(enclosing, 'commit', '-q', '-m', 'enclosing');
    const enclosingHead = git(enclosing, 'rev-parse', 'HEAD').trim();
    const enclosingStatus = git(enclosing, 'status', '--porcelain', '--untracked-files=all');
    const userBefore = checkout(kit.repo.dir);

    const ticket = parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md');
    deleted = join(enclosing, '.shipwright-worktrees', 'calculator', ticket.id);
    const stopped = await kit.engine.run(ticket);
    assert.equal(stopped.state, 'failed');
    assert.match(stopped.reason, /worktree of ticket .* is gone .* nothing was written anywhere else\. Run `shipwright resume /);
    assert.equal(existsSync(deleted), false, 'the folder was not re-created as a plain directory');
    assert.equal(git(enclosing, 'rev-parse', 'HEAD').trim(), enclosingHead, 'no commit in the enclosing repository');
    assert.equal(git(enclosing, 'status', '--porcelain', '--untracked-files=all'), enclosingStatus);
    assert.deepEqual(checkout(kit.repo.dir), userBefore);

    deleteOnCall = -1;
    const resumed = await kit.engine.resume(ticket.id);
    assert.equal(resumed.state, 'ready', resumed.reason);
    assert.ok(kit.events.some((e) => e.type === 'log' && /re-created the missing worktree/.test(e.message)));
    const log = git(deleted, 'log', '--format=%s', `${resumed.worktree!.baseCommit}..HEAD`);
    assert.match(log, /techSpec[\s\S]*discovery/);
    assert.equal((log.match(/: discovery/g) ?? []).length, 1, 'discovery was not redone');
    assert.equal(git(enclosing, 'rev-parse', 'HEAD').trim(), enclosingHead);
    // The re-created worktree is an untracked folder of the enclosing repository, as it was before it was deleted.
    const status = git(enclosing, 'status', '--porcelain', '--untracked-files=all').split('\n').filter((l) => !l.startsWith('?? .shipwright-worktrees/')).join('\n');
    assert.equal(status, enclosingStatus);
    assert.deepEqual(checkout(kit.repo.dir), userBefore);
  });

  test('Delete run after the worktree folder was deleted by hand removes its branch too (git still counted it as checked out)', async () => {
    const model = scriptedModel();
    let calls = 0;
    let doomed = '';
    kit = await engineKit({
      ollama: (req) => {
        calls += 1;
        if (calls === 3) rmSync(doomed, { recursive: true, force: true });
        return model.responder(req);
      },
    });
    const ticket = parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md');
    doomed = join(kit.repo.tmp, '.shipwright-worktrees', 'calculator', ticket.id);
    const stopped = await kit.engine.run(ticket);
    assert.equal(stopped.state, 'failed');
    const branch = stopped.worktree!.branch;
    assert.match(git(kit.repo.dir, 'branch', '--list', branch), /shipwright\//, 'the branch outlived its folder');
    await kit.engine.deleteRun(ticket.id);
    assert.equal(git(kit.repo.dir, 'branch', '--list', branch).trim(), '', 'the branch is gone');
    assert.equal(await kit.engine.get(ticket.id), undefined, 'the run is gone');
    assert.doesNotMatch(git(kit.repo.dir, 'worktree', 'list'), /feature-add-subtract/, 'no stale worktree entry');
  });
});

suite('ensureWorktree: the folder must still be the ticket worktree, on its branch', () => {
  /** A repository in a temp folder with one linked worktree `wt` on branch `shipwright/t1`. */
  const linkedWorktree = (): { tmp: string; repo: string; wt: string; info: { path: string; branch: string } } => {
    const tmp = mkdtempSync(join(tmpdir(), 'shipwright-ensure-'));
    const repo = join(tmp, 'repo');
    const wt = join(tmp, 'wt');
    git(tmp, 'init', '-q', '-b', 'main', repo);
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '--allow-empty', '-m', 'init');
    git(repo, 'worktree', 'add', '-q', '-b', 'shipwright/t1', wt);
    return { tmp, repo, wt, info: { path: realpathSync(wt), branch: 'shipwright/t1' } };
  };

  test('passes on its branch; names the other branch or a detached HEAD; a plain folder is no worktree', async () => {
    const { tmp, wt, info } = linkedWorktree();
    try {
      await ensureWorktree(info, 't1');
      git(wt, 'checkout', '-q', '-b', 'elsewhere');
      await assert.rejects(ensureWorktree(info, 't1'), /is on elsewhere, not on shipwright\/t1/);
      git(wt, 'checkout', '-q', '--detach');
      await assert.rejects(ensureWorktree(info, 't1'), /is on a detached HEAD, not on shipwright\/t1/);
      const plain = join(tmp, 'plain');
      mkdirSync(plain);
      await assert.rejects(ensureWorktree({ path: realpathSync(plain) }, 't2'), /is no longer a git worktree/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('after a passing check, a change made since is still caught: back on the branch passes; moved, deleted, or pruned and replaced by a plain folder with its old `.git` file does not', async () => {
    const { tmp, repo, wt, info } = linkedWorktree();
    try {
      await ensureWorktree(info, 't1');
      await ensureWorktree(info, 't1');
      git(wt, 'checkout', '-q', '-b', 'elsewhere');
      await assert.rejects(ensureWorktree(info, 't1'), /is on elsewhere, not on shipwright\/t1/);
      git(wt, 'checkout', '-q', 'shipwright/t1');
      await ensureWorktree(info, 't1');
      await assert.rejects(ensureWorktree({ ...info, branch: 'shipwright/other' }, 't1'), /is on shipwright\/t1, not on shipwright\/other/);

      const gitFile = readFileSync(join(wt, '.git'));
      git(repo, 'worktree', 'move', wt, join(tmp, 'moved'));
      await assert.rejects(ensureWorktree(info, 't1'), /is gone/);
      git(repo, 'worktree', 'move', join(tmp, 'moved'), wt);
      await ensureWorktree(info, 't1');
      rmSync(wt, { recursive: true, force: true });
      await assert.rejects(ensureWorktree(info, 't1'), /is gone/);
      git(repo, 'worktree', 'prune');
      mkdirSync(wt);
      writeFileSync(join(wt, '.git'), gitFile);
      await assert.rejects(ensureWorktree(info, 't1'), /is no longer a git worktree/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
