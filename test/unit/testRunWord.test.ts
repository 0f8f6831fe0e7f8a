import assert from 'node:assert/strict';
import { testRunWord } from '../../src/core/pipeline/testRunWord';

suite('testRunWord: a test run in a log line', () => {
  test('a pass with exit 0, a pass over failures from before the ticket, a failure', () => {
    assert.equal(testRunWord({ passed: true, exitCode: 0 }), 'passed');
    assert.equal(testRunWord({ passed: true, exitCode: 1 }), 'passed apart from the failures from before the ticket');
    assert.equal(testRunWord({ passed: false, exitCode: 1 }), 'failed');
    assert.equal(testRunWord({ passed: false, exitCode: null }), 'failed');
  });
});
