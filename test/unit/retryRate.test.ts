import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetryRate } from '../../src/core/pipeline/retryRate';
import { scriptedModel, validatedPhaseOf } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';
import { fixtureTicket } from '../fixtures/fixtureTicket';

const ticket = () => fixtureTicket('feature-add-subtract.md');

/** Every validated phase and every edit step on Anthropic models; prompts of any size cacheable. */
const cloud = { discovery: ['sonnet'], techSpec: ['sonnet'], planning: ['sonnet'], implementation: ['sonnet'], review: ['sonnet'], validation: ['haiku'] };
const low = { 'claude-haiku-5-5': 100, 'claude-sonnet-5-5': 100, 'claude-opus-5-5': 100 };

suite('prompt caching weighed by how often first attempts need a retry', () => {
  let dir: string | undefined;
  let kit: EngineKit | undefined;
  teardown(async () => {
    await kit?.close();
    kit = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  test('the rate starts from its prior, learns from first attempts, is stored, and a torn file starts again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shipwright-retry-'));
    const file = join(dir, 'retry-rate.json');
    const fresh = await RetryRate.load(file);
    assert.equal(fresh.probability('validated'), 0.2);
    await fresh.record('validated', true);
    await fresh.record('validated', false);
    assert.equal(fresh.probability('validated'), 2 / 7);
    assert.equal(fresh.probability('edit'), 0.2, 'edit steps are counted apart');
    assert.equal((await RetryRate.load(file)).probability('validated'), 2 / 7, 'a new engine reads what the last one learned');
    // Tickets of an epic record at once: the file ends with every count.
    await Promise.all([fresh.record('edit', true), fresh.record('edit', false), fresh.record('edit', false)]);
    assert.equal((await RetryRate.load(file)).probability('edit'), 2 / 8);
    writeFileSync(file, '{"validated": {"attempts": 3');
    assert.equal((await RetryRate.load(file)).probability('validated'), 0.2);
  });

  test('a happy path in a fresh repository writes no retry cache; once deliverables are objected to, first attempts are cached and their retries read them', async () => {
    kit = await engineKit({ anthropic: scriptedModel().responder, config: { chains: cloud }, cacheMinimums: low });
    const happy = await kit.engine.run(ticket());
    assert.equal(happy.state, 'ready', happy.reason);
    const cloudCalls = happy.ledger.filter((r) => r.provider === 'anthropic');
    assert.ok(cloudCalls.length >= 8, `${cloudCalls.length} cloud calls`);
    // No call but the shared system prompts (validators, code steps) is cached: nothing reads a first attempt.
    const validated = cloudCalls.filter((r) => ['discovery', 'techSpec', 'planning', 'review'].includes(r.phase));
    assert.deepEqual(validated.map((r) => r.usage.cacheWriteTokens + r.usage.cacheReadTokens), validated.map(() => 0));
    assert.ok(cloudCalls.some((r) => r.phase === 'validation' && r.usage.cacheReadTokens > 0), 'later validators read the shared system prompt');
    await kit.close();

    // A repository whose validators object to every first attempt.
    const objected = new Set<string>();
    const model = scriptedModel((req) => {
      const phase = validatedPhaseOf(req);
      if (req.schemaName !== 'Verdict' || phase === undefined || objected.has(phase)) return undefined;
      objected.add(phase);
      return { json: { pass: false, objections: [{ message: `the ${phase} deliverable leaves the message for non-numbers unstated` }] } };
    });
    // Every phase's deliverable goes to a validator model here, so each can be objected to.
    kit = await engineKit({ anthropic: model.responder, config: { chains: cloud, modelValidation: { planning: 'always', review: 'always' } }, cacheMinimums: low });
    const rough = await kit.engine.run(ticket());
    assert.equal(rough.state, 'ready', rough.reason);
    const call = (phase: string, attempt: number) => rough.ledger.find((r) => r.phase === phase && r.attempt === attempt)!;
    assert.equal(call('discovery', 1).usage.cacheWriteTokens, 0, 'the prior: a retry is not expected yet');
    assert.equal(call('discovery', 2).usage.cacheReadTokens, 0);
    // After discovery and techSpec were objected to, planning's and review's first attempts are worth caching.
    for (const phase of ['planning', 'review']) {
      assert.ok(call(phase, 1).usage.cacheWriteTokens > 0, `${phase} attempt 1 writes`);
      assert.ok(call(phase, 2).usage.cacheReadTokens >= call(phase, 1).usage.cacheWriteTokens * 0.9, `${phase} attempt 2 reads it`);
    }
    const stored = JSON.parse(readFileSync(join(kit.repo.dir, '.git', 'shipwright', 'retry-rate.json'), 'utf8')) as { validated: { attempts: number; retried: number } };
    assert.deepEqual(stored.validated, { attempts: 4, retried: 4 });
  });
});
