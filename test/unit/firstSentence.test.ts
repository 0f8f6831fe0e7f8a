import assert from 'node:assert/strict';
import { firstSentence } from '../../src/shared/firstSentence';

suite('firstSentence: what a notification shows of a stop', () => {
  test('ends at the first `.` or `;` outside brackets and backticks, or a line break; long ones are cut with …', () => {
    assert.equal(firstSentence('planning was tried 3 time(s) on local-large. Still open: AC-2 unplanned.'), 'planning was tried 3 time(s) on local-large.');
    assert.equal(firstSentence('budget reached; raise it'), 'budget reached;');
    assert.equal(firstSentence('npm tried (npm error EAI_AGAIN; `npx ava` exited 1 in 0.5 s). Install it'), 'npm tried (npm error EAI_AGAIN; `npx ava` exited 1 in 0.5 s).');
    assert.equal(firstSentence('run `a. b` now. Then'), 'run `a. b` now.');
    assert.equal(firstSentence('line one\nline two'), 'line one');
    assert.equal(firstSentence('v1.2 is out'), 'v1.2 is out');
    const long = firstSentence(`${'word '.repeat(60)}end.`);
    assert.equal(long.length, 158);
    assert.ok(long.endsWith('…'));
  });
});
