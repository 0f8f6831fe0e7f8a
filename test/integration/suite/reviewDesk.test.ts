import * as assert from 'node:assert/strict';
import type { ChangedFile, FileDecision } from '../../../src/core/ports/approvalPort';
import { ReviewDesk } from '../../../src/vscode/reviewDesk';

const file = (path: string, contentHash: string): ChangedFile => ({ path, status: 'modified', added: 1, removed: 0, contentHash });

suite('review desk (approvals bound to content)', () => {
  test('the engine\'s review resolves once every file has a decision, with the hashes they were made on', async () => {
    const desk = new ReviewDesk({ onAllDecided: () => assert.fail('the engine asked, so its promise gets the decisions') });
    const review = desk.reviewFiles({ ticketId: 't', worktreePath: '/wt', baseRef: 'abc1234', files: [file('a.js', 'h1'), file('b.js', 'h2')] });
    desk.decide('t', 'approve', ['a.js']);
    assert.equal(desk.approvalOf('t', file('a.js', 'h1')), 'approved');
    assert.equal(desk.approvalOf('t', file('b.js', 'h2')), 'pending');
    desk.decide('t', 'reject', ['b.js'], { reason: 'not this one' });
    const decisions = await review;
    assert.deepEqual(decisions, [
      { path: 'a.js', decision: 'approve', contentHash: 'h1' },
      { path: 'b.js', decision: 'reject', contentHash: 'h2', reason: 'not this one' },
    ]);
  });

  test('a file that changed after its approval needs approval again, and is not merged meanwhile', () => {
    const finished: FileDecision[][] = [];
    const desk = new ReviewDesk({ onAllDecided: (_id, d) => finished.push(d) });
    desk.show('t', '/wt', 'abc1234', [file('a.js', 'h1'), file('b.js', 'h2')]);
    desk.decide('t', 'approve', ['a.js']);
    desk.show('t', '/wt', 'abc1234', [file('a.js', 'h1-edited'), file('b.js', 'h2')]);
    assert.equal(desk.approvalOf('t', file('a.js', 'h1-edited')), 'stale');
    desk.decide('t', 'approve', ['b.js']);
    assert.equal(finished.length, 0, 'a stale approval does not count');
    desk.decide('t', 'approve', ['a.js']);
    assert.deepEqual(finished, [[
      { path: 'a.js', decision: 'approve', contentHash: 'h1-edited' },
      { path: 'b.js', decision: 'approve', contentHash: 'h2' },
    ]]);
  });

  test('a decision on a file outside the change is refused', () => {
    const desk = new ReviewDesk({ onAllDecided: () => undefined });
    desk.show('t', '/wt', 'abc1234', [file('a.js', 'h1')]);
    assert.throws(() => desk.decide('t', 'approve', ['../../etc/passwd']), /not part of ticket t's change/);
    assert.throws(() => desk.decide('other', 'approve'), /no change waiting/);
  });

  test('a checkpoint waits for the person\'s answer', async () => {
    const desk = new ReviewDesk({ onAllDecided: () => undefined });
    const answer = desk.approveDeliverable({ ticketId: 't', phase: 'techSpec', markdown: '# Tech spec' });
    assert.deepEqual(desk.checkpoint('t'), { phase: 'techSpec', markdown: '# Tech spec' });
    desk.answerCheckpoint('t', { decision: 'reject', reason: 'name the error cases' });
    assert.deepEqual(await answer, { decision: 'reject', reason: 'name the error cases' });
    assert.equal(desk.checkpoint('t'), undefined);
  });
});
