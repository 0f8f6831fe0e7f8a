import assert from 'node:assert/strict';
import { buildHandoff } from '../../src/core/pipeline/buildHandoff';
import type { AttemptRecord } from '../../src/core/pipeline/runState';

const attempt = (n: number, accepted: boolean, message?: string): AttemptRecord => ({
  attempt: n, modelKey: 'qwen-coder', model: 'qwen2.5-coder:7b', why: 'T1', accepted, chainIndex: 0, escalated: false,
  objections: message === undefined ? [] : [{ source: 'tests', message }],
});

suite('buildHandoff', () => {
  test('says how many answers were objected to when some steps were accepted (implementation\'s log holds both)', () => {
    // As on RazrFalcon/pico-args: the tests step was accepted, then five code answers were objected to.
    const log = [attempt(1, true), ...[2, 3, 4, 5, 6].map((n) => attempt(n, false, 'the tests still fail'))];
    const h = buildHandoff('pa-len', 'implementation', log);
    assert.match(h.text, /^implementation was tried 6 time\(s\) on qwen-coder; 5 of those answers were objected to\. Still open: .*the tests still fail/);
    assert.doesNotMatch(h.text, /each deliverable was objected to/);
  });

  test('a phase whose every deliverable was objected to says so', () => {
    const h = buildHandoff('t', 'discovery', [attempt(1, false, 'AC-2 is vague'), attempt(2, false, 'AC-2 is still vague')]);
    assert.match(h.text, /^discovery was tried 2 time\(s\) on qwen-coder and each deliverable was objected to\. Still open: .*AC-2 is still vague/);
  });
});
