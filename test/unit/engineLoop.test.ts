import assert from 'node:assert/strict';
import { defaultConfig } from '../../src/core/config/defaultConfig';
import { priceCall } from '../../src/core/models/priceCall';
import { scriptedModel, validatedPhaseOf } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';
import { fixtureTicket } from '../fixtures/fixtureTicket';

const ticket = () => fixtureTicket('feature-add-subtract.md');

suite('engine: validator loop, escalation, fall-through, budget and ledger', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('a validator failure sends the objection back: the retry request carries the first attempt\'s objections', async () => {
    const model = scriptedModel((req, calls) =>
      req.schemaName === 'Verdict' && validatedPhaseOf(req) === 'discovery' && calls.Verdict === 1
        ? { json: { pass: false, objections: [{ message: 'AC-1 does not say what subtract(0, 4) returns', where: 'acceptance criteria' }] } }
        : undefined,
    );
    kit = await engineKit({ ollama: model.responder });
    const s = await kit.engine.run(ticket());
    const discovery = s.phases.find((p) => p.phase === 'discovery')!;
    assert.equal(discovery.status, 'done');
    assert.equal(discovery.attempts.length, 2);
    assert.deepEqual(discovery.attempts.map((a) => a.accepted), [false, true]);
    const specRequests = kit.ollama.requests.filter((r) => r.schemaName === 'FunctionalSpec');
    assert.equal(specRequests.length, 2);
    assert.doesNotMatch(specRequests[0].messages.at(-1)!.content, /subtract\(0, 4\)/);
    assert.match(specRequests[1].messages.at(-1)!.content, /AC-1 does not say what subtract\(0, 4\) returns/);
  });

  test("the validators of discovery and techSpec judge the criteria and the design's decisions; the design reads the spec but its summary, the planner the whole design", async () => {
    // Planning's validator model is opt-in (config.modelValidation): on here, to show what it is told.
    kit = await engineKit({ ollama: scriptedModel().responder, config: { modelValidation: { planning: 'always', review: 'on-request-changes' } } });
    const s = await kit.engine.run(ticket());
    assert.equal(s.phases.find((p) => p.phase === 'planning')?.status, 'done');
    const judged = (phase: string) => kit!.ollama.requests.find((r) => r.schemaName === 'Verdict' && validatedPhaseOf(r) === phase)!.messages.at(-1)!.content;
    const deliverableOf = (text: string) => text.slice(text.indexOf('<deliverable'));
    assert.match(deliverableOf(judged('discovery')), /^<deliverable phase="discovery" shown="user stories, acceptance criteria, out of scope, open questions">/);
    assert.match(deliverableOf(judged('discovery')), /AC-1/);
    assert.match(deliverableOf(judged('discovery')), /As a developer, I want subtract\(\)/);
    assert.doesNotMatch(deliverableOf(judged('discovery')), /Users can call subtract\(\) from the calculator/, 'the summary restates the rest');
    assert.match(deliverableOf(judged('techSpec')), /Add subtract in src\/calculator\.js/);
    assert.match(deliverableOf(judged('techSpec')), /none beyond wrong arithmetic/);
    assert.doesNotMatch(deliverableOf(judged('techSpec')), /Callers pass numbers in/, 'the data flow details the components');
    assert.match(deliverableOf(judged('planning')), /^<deliverable phase="planning">/, 'a validator that reads it all is told nothing');
    // The design reads the spec but its summary (the ticket beside it says the same), the planner the whole design.
    const design = kit.ollama.requests.find((r) => r.schemaName === 'TechSpec')!.messages.at(-1)!.content;
    assert.match(design, /As a developer, I want subtract\(\)/);
    assert.doesNotMatch(design, /Users can call subtract\(\) from the calculator/);
    assert.match(kit.ollama.requests.find((r) => r.schemaName === 'Plan')!.messages.at(-1)!.content, /Callers pass numbers in/);
  });

  test('every earlier objection is carried, not only the last; at the cap the phase escalates to the next model, then hands off', async () => {
    let n = 0;
    const rejectPlans = scriptedModel((req) =>
      req.schemaName === 'Verdict' && validatedPhaseOf(req) === 'planning'
        ? { json: { pass: false, objections: [{ message: `plan objection number ${++n}` }] } }
        : undefined,
    );
    const cloud = scriptedModel((req) =>
      req.schemaName === 'Verdict' ? { json: { pass: false, objections: [{ message: 'cloud validator objects too' }] } } : undefined,
    );
    kit = await engineKit({ ollama: rejectPlans.responder, anthropic: cloud.responder, config: { attemptCap: 3, escalationAttempts: 1, chains: { validation: ['local-small'] }, modelValidation: { planning: 'always', review: 'on-request-changes' } } });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'needs-human', s.reason);
    const planning = s.phases.find((p) => p.phase === 'planning')!;
    assert.deepEqual(planning.attempts.map((a) => a.modelKey), ['local-large', 'local-large', 'local-large', 'sonnet']);
    assert.deepEqual(planning.attempts.map((a) => a.escalated), [false, false, false, true]);
    // The escalated request went to the cloud and carried all three earlier objections.
    const cloudPlan = kit.anthropic.requests.find((r) => r.schemaName === 'Plan');
    assert.ok(cloudPlan, 'the escalation reached the next model of the chain');
    for (const k of [1, 2, 3]) assert.match(cloudPlan.messages.at(-1)!.content, new RegExp(`plan objection number ${k}\\b`));
    // The handoff summary says what was tried, by which model, and what is still open.
    assert.ok(s.handoff);
    assert.equal(s.handoff.phase, 'planning');
    assert.equal(s.handoff.attempts.length, 4);
    assert.match(s.handoff.text, /local-large then sonnet/);
    assert.deepEqual(s.handoff.openObjections.map((o) => o.message), ['plan objection number 4']);
    assert.ok(kit.events.some((e) => e.type === 'handoff' && e.ticketId === s.ticket.id));
    const escalatedCall = s.ledger.find((r) => r.phase === 'planning' && r.modelKey === 'sonnet');
    assert.match(escalatedCall!.why, /escalated: 3 attempts on local-large/);
  });

  test('a provider that is down falls through to the next model, and the ledger says why', async () => {
    const model = scriptedModel();
    kit = await engineKit({ anthropic: model.responder, config: { chains: { discovery: ['local-large', 'sonnet'], validation: ['haiku'] } } });
    await kit.ollama.close(); // nothing listens on the Ollama port any more
    const s = await kit.engine.run(ticket());
    const first = s.ledger[0];
    assert.equal(first.phase, 'discovery');
    assert.equal(first.modelKey, 'sonnet');
    assert.match(first.why, /fallback: local-large unreachable/);
    assert.equal(s.phases[0].status, 'done');
  });

  test('a rate-limited provider is retried within the cap, then falls through', async () => {
    const model = scriptedModel();
    kit = await engineKit({
      ollama: (req) => (req.schemaName === 'FunctionalSpec' ? { status: 429, message: 'slow down', retryAfterSeconds: 60 } : model.responder(req)),
      anthropic: model.responder,
    });
    const s = await kit.engine.run(ticket());
    const specCalls = kit.ollama.requests.filter((r) => r.schemaName === 'FunctionalSpec');
    assert.equal(specCalls.length, 2, 'one try and one bounded retry (retry-after capped, not 60 s)');
    assert.equal(s.ledger[0].modelKey, 'sonnet');
    assert.match(s.ledger[0].why, /local-large rateLimited/);
  });

  test('a model answering garbage is an objection; after the cap the next model of the chain takes over', async () => {
    const good = scriptedModel();
    kit = await engineKit({
      ollama: (req) => (req.schemaName === 'FunctionalSpec' ? { text: 'Sure! Here is the spec: subtract is cool' } : good.responder(req)),
      anthropic: good.responder,
      config: { attemptCap: 2 },
    });
    const s = await kit.engine.run(ticket());
    const discovery = s.phases.find((p) => p.phase === 'discovery')!;
    assert.equal(discovery.status, 'done');
    assert.deepEqual(discovery.attempts.map((a) => [a.modelKey, a.accepted]), [['local-large', false], ['local-large', false], ['sonnet', true]]);
    assert.match(discovery.attempts[0].objections[0].message, /not JSON/);
  });

  test('the budget stops the ticket before the call that would pass it, and keeps what was done', async () => {
    const model = scriptedModel();
    // Everything on the cloud; a budget that covers discovery but not much more.
    const cloud = { discovery: ['sonnet'], techSpec: ['opus'], planning: ['opus'], validation: ['haiku'] };
    kit = await engineKit({ anthropic: model.responder, config: { chains: cloud, budgetUsd: 0.03 } });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'budget-exceeded', s.reason);
    const spent = s.ledger.reduce((n, r) => n + r.usd, 0);
    assert.ok(spent <= 0.03, `spent ${spent} within the budget`);
    assert.equal(s.phases[0].status, 'done', 'discovery is kept');
    const reloaded = await kit.engine.get(s.ticket.id);
    assert.equal(reloaded?.state, 'budget-exceeded');
    assert.equal(reloaded?.ledger.length, s.ledger.length);
  });

  test('the ledger\'s dollars equal the fake server\'s reported usage times the configured prices, cache tokens included', async () => {
    const model = scriptedModel();
    const cloud = { discovery: ['sonnet'], techSpec: ['opus'], planning: ['sonnet'], validation: ['haiku'] };
    // Shipwright's system prompts plus the tool schema are ~300–700 tokens: at the real 512-token minimum only some
    // of them cache. A lower minimum makes every repeated prefix a cache read, so cache prices are exercised too.
    const low = { 'claude-haiku-5-5': 200, 'claude-sonnet-5-5': 200, 'claude-opus-5-5': 200 };
    kit = await engineKit({ anthropic: model.responder, config: { chains: cloud, attemptCap: 1 }, cacheMinimums: low });
    const s = await kit.engine.run(ticket());
    const billed = s.ledger.filter((r) => r.provider === 'anthropic');
    assert.equal(billed.length, kit.anthropic.usageLog.length);
    assert.ok(kit.anthropic.usageLog.some((u) => u.cacheReadTokens > 0), 'repeated system prompts were read from the cache');
    assert.ok(kit.anthropic.usageLog.some((u) => u.cacheWriteTokens > 0), 'first system prompts were written to the cache');
    const config = defaultConfig;
    let expected = 0;
    for (const [i, u] of kit.anthropic.usageLog.entries()) {
      const key = billed[i].modelKey as keyof typeof config.models;
      // Thinking tokens (inside outputTokens) are recorded as the fake reported them.
      const { model: _model, ...reported } = u;
      assert.deepEqual(billed[i].usage, reported);
      expected += priceCall({ ...config.models[key].price }, u);
    }
    const total = billed.reduce((n, r) => n + r.usd, 0);
    assert.ok(Math.abs(total - expected) < 0.00001, `ledger $${total} vs usage × price $${expected}`);
    assert.ok(total > 0);
  });
});
