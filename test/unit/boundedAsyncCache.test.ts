import assert from 'node:assert/strict';
import { BoundedAsyncCache } from '../../src/core/workspace/boundedAsyncCache';

suite('BoundedAsyncCache', () => {
  test('asks once per key, asks again after a failure, and keeps at most its limit (the oldest goes first)', async () => {
    const cache = new BoundedAsyncCache<number>(2);
    let asked = 0;
    const compute = (n: number) => async () => { asked++; return n; };
    assert.equal(await cache.get('a', compute(1)), 1);
    assert.equal(await cache.get('a', compute(9)), 1, 'the kept answer');
    assert.equal(asked, 1);
    await assert.rejects(cache.get('b', async () => { throw new Error('git failed'); }), /git failed/);
    assert.equal(await cache.get('b', compute(2)), 2, 'a failure is not kept');
    await cache.get('c', compute(3));
    assert.equal(await cache.get('a', compute(4)), 4, 'a was the oldest of three and went');
  });
});
