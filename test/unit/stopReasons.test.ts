import assert from 'node:assert/strict';
import { isRecord } from '../fakes/fakeHttp';
import { scriptedModel, validatedPhaseOf } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';
import { fixtureTicket } from '../fixtures/fixtureTicket';

const ticket = () => fixtureTicket('feature-add-subtract.md');
const maxTokensOf = (raw: unknown) => (isRecord(raw) ? raw.max_tokens : undefined);

suite('stop reasons are outcomes; billing stops a provider; escalation ends with a person', () => {
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());
  const cloudDesign = { techSpec: ['opus', 'sonnet'], validation: ['local-small'] };

  test('an answer cut at max_tokens (thinking used the cap) is retried once with twice the cap, and then accepted', async () => {
    const model = scriptedModel((req, calls) => (req.schemaName === 'TechSpec' && calls.TechSpec === 1 ? { json: { x: 1 }, thinkingTokens: 40_000 } : undefined));
    kit = await engineKit({ ollama: model.responder, anthropic: model.responder, config: { chains: cloudDesign } });
    const s = await kit.engine.run(ticket());
    const calls = kit.anthropic.requests.filter((r) => r.schemaName === 'TechSpec');
    assert.deepEqual(calls.map((r) => maxTokensOf(r.raw)), [32_000, 64_000]);
    const techSpec = s.phases.find((p) => p.phase === 'techSpec')!;
    assert.equal(techSpec.status, 'done');
    const billed = s.ledger.filter((r) => r.phase === 'techSpec');
    assert.equal(billed.length, 2, 'the cut call is billed too');
    assert.equal(billed[0].usage.thinkingTokens, 32_000);
    assert.match(billed[1].why, /retried with max output 64000 after the answer was cut/);
  });

  test('cut twice moves to the next model of the chain, which the ledger says', async () => {
    const model = scriptedModel((req) => (req.schemaName === 'TechSpec' && req.model === 'claude-opus-5-5' ? { json: { x: 1 }, thinkingTokens: 200_000 } : undefined));
    kit = await engineKit({ ollama: model.responder, anthropic: model.responder, config: { chains: cloudDesign } });
    const s = await kit.engine.run(ticket());
    assert.deepEqual(kit.anthropic.requests.filter((r) => r.schemaName === 'TechSpec').map((r) => r.model), ['claude-opus-5-5', 'claude-opus-5-5', 'claude-sonnet-5-5']);
    const sonnet = s.ledger.find((r) => r.phase === 'techSpec' && r.modelKey === 'sonnet');
    assert.match(sonnet!.why, /fallback: opus truncated/);
    assert.equal(s.phases.find((p) => p.phase === 'techSpec')!.status, 'done');
  });

  test('a refusal falls through at once (no retry on the same model), with its category in the ledger', async () => {
    const model = scriptedModel((req) => (req.schemaName === 'TechSpec' && req.model === 'claude-opus-5-5' ? { refusal: 'cyber' } : undefined));
    kit = await engineKit({ ollama: model.responder, anthropic: model.responder, config: { chains: cloudDesign } });
    const s = await kit.engine.run(ticket());
    assert.equal(kit.anthropic.requests.filter((r) => r.schemaName === 'TechSpec' && r.model === 'claude-opus-5-5').length, 1);
    const sonnet = s.ledger.find((r) => r.phase === 'techSpec' && r.modelKey === 'sonnet');
    assert.match(sonnet!.why, /fallback: opus refused \(cyber\)/);
  });

  test('a spend cap stops every Anthropic model for the rest of the run, with one clear message', async () => {
    const model = scriptedModel();
    kit = await engineKit({
      ollama: model.responder,
      anthropic: () => ({ status: 429, errorCode: 'enforced_spend_limit_reached', message: 'You have reached your monthly spend limit.' }),
      config: { chains: { discovery: ['opus', 'local-large'], techSpec: ['opus', 'sonnet', 'local-large'], planning: ['sonnet', 'local-large'], validation: ['local-small'] } },
    });
    const s = await kit.engine.run(ticket());
    assert.equal(kit.anthropic.requests.length, 1, 'one refused call, then no Anthropic model is tried again');
    assert.equal(s.phases.find((p) => p.phase === 'planning')!.status, 'done');
    const stops = kit.events.filter((e) => e.type === 'log' && /anthropic is stopped for the rest of this run/.test(e.message));
    assert.equal(stops.length, 1);
    assert.match(s.ledger.find((r) => r.phase === 'techSpec')!.why, /opus billing \(enforced_spend_limit_reached\), sonnet billing/);
  });

  test('a 402 billing error is not retried and stops the provider too', async () => {
    const model = scriptedModel();
    kit = await engineKit({ ollama: model.responder, anthropic: () => ({ status: 402 }), config: { chains: { discovery: ['sonnet', 'local-large'], techSpec: ['opus', 'local-large'], validation: ['local-small'] } } });
    const s = await kit.engine.run(ticket());
    assert.equal(kit.anthropic.requests.length, 1);
    assert.equal(s.phases.find((p) => p.phase === 'techSpec')!.status, 'done');
  });

  test('a local model that keeps failing, with no Anthropic key, ends in needs-human saying the cloud model could not be used and why', async () => {
    const model = scriptedModel((req) =>
      req.schemaName === 'Verdict' && validatedPhaseOf(req) === 'discovery' ? { json: { pass: false, objections: [{ message: 'the spec misses subtract(0, 4)' }] } } : undefined,
    );
    kit = await engineKit({ ollama: model.responder, noAnthropicKey: true, config: { attemptCap: 2 } });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'needs-human', s.reason);
    assert.ok(s.handoff);
    assert.equal(s.handoff.phase, 'discovery');
    assert.match(s.handoff.text, /sonnet \(claude-sonnet-5-5\) could not be used — auth: no Anthropic API key/);
    assert.match(s.handoff.text, /tried 2 time\(s\) on local-large/);
    assert.equal(kit.anthropic.httpLog.length, 0, 'nothing was sent without a key');
  });

  test('a corrupted stream line from the local model is a provider error: the chain moves on, nothing shorter is accepted', async () => {
    const model = scriptedModel();
    kit = await engineKit({
      ollama: (req) => (req.schemaName === 'FunctionalSpec' ? { corruptLineIn: (model.responder(req) as { json: unknown }).json } : model.responder(req)),
      anthropic: model.responder,
      config: { chains: { discovery: ['local-large', 'sonnet'], validation: ['local-small'] } },
    });
    const s = await kit.engine.run(ticket());
    const discovery = s.ledger.filter((r) => r.phase === 'discovery');
    assert.deepEqual(discovery.map((r) => r.modelKey), ['sonnet'], 'the broken local answer was not billed as an answer');
    assert.match(discovery[0].why, /fallback: local-large unreadable/);
    assert.equal(s.phases.find((p) => p.phase === 'discovery')!.status, 'done');
  });
});
