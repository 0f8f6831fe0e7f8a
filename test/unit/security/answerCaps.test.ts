import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../../src/core/config/defaultConfig';
import { MAX_EDITS_PER_ANSWER } from '../../../src/core/pipeline/implementation/editStep';
import type { FakeReply, FakeRequest } from '../../fakes/fakeScript';
import { scriptedModel } from '../../fakes/scriptedModel';
import { engineKit, type EngineKit } from '../engineTestKit';
import { requireSandbox } from './requireSandbox';
import { fixtureTicket } from '../../fixtures/fixtureTicket';

const ticket = fixtureTicket('feature-add-subtract.md');

/** A code step of the implementation phase (not the tests-first step): where a hostile answer would land in the code. */
function isCodeStep(req: FakeRequest): boolean {
  return req.schemaName === 'FileEdits' && !/test-writing step/i.test(req.system);
}

/**
 * The whole ticket through the real engine and the real ollama client over HTTP to the fake Ollama, with every
 * code-step answer replaced by `hostile`; the implementation chain is the local model alone, so the phase ends
 * with what a person is shown (needs-human and its handoff) instead of moving to a cloud model.
 */
async function runWithCodeAnswers(hostile: FakeReply, localCap: number | undefined): Promise<{ kit: EngineKit; state: Awaited<ReturnType<EngineKit['engine']['run']>>; codeCalls: number }> {
  let codeCalls = 0;
  const model = scriptedModel((req) => {
    if (!isCodeStep(req)) return undefined;
    codeCalls += 1;
    return hostile;
  });
  const kit = await engineKit({
    ollama: model.responder,
    config: {
      // `local-wide`: the same local model with a larger output cap, for the implementation steps only.
      chains: { ...defaultConfig.chains, techSpec: ['local-large'], planning: ['local-large'], implementation: [localCap === undefined ? 'local-large' : 'local-wide'] },
      models: { 'local-wide': { ...defaultConfig.models['local-large'], maxOutputTokens: localCap ?? 8_192 } },
      // Room for that cap in the context Ollama is asked to load (prompt + output must fit num_ctx).
      ollama: { numCtxCeiling: 131_072, keepAlive: '30m' },
    },
  });
  const state = await kit.engine.run(ticket);
  return { kit, state, codeCalls };
}

suite('security: answer size and edit count are capped, end to end (real engine, real ollama client, fake Ollama)', function () {
  this.timeout(180_000);
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  test('an answer larger than its output cap allows in bytes is refused unparsed, every time; nothing of it is applied', async function () {
    await requireSandbox(this);
    // A server (or a proxy in between) that reports 2,000 output tokens for 400 KB: more than 16 bytes a token of
    // the 8,192-token cap (131,072 bytes). The fake sends the text whole when the reported count fits the cap.
    const marker = 'OVERSIZE-CANARY';
    const content = `${marker}\n${'// padding\n'.repeat(36_000)}`;
    const hostile: FakeReply = { json: { explanation: 'rewrite', edits: [{ kind: 'write', path: 'src/calculator.js', content }], needFiles: [] }, outputTokens: 2_000 };
    const run = await runWithCodeAnswers(hostile, undefined);
    kit = run.kit;
    const s = run.state;
    assert.equal(s.state, 'needs-human', s.reason);
    assert.ok(run.codeCalls >= 2, `code step asked ${run.codeCalls} times`);
    // What the person is shown: the handoff names the refusal with the figures.
    const shown = `${s.reason}\n${JSON.stringify(s.handoff)}`;
    assert.match(shown, /the answer is \d{6} bytes, more than 131072 \(its output cap of 8192 tokens allows\)/);
    // What must not have happened: the answer applied to the worktree or committed on the branch, or sent back whole.
    const wt = s.worktree!;
    assert.doesNotMatch(readFileSync(join(wt.path, 'src', 'calculator.js'), 'utf8'), new RegExp(marker));
    assert.doesNotMatch(kit.repo.git('log', '-p', `${wt.baseCommit}..${wt.branch}`), new RegExp(marker));
    // Quoted back to the model at most in part (36,000 padding lines were sent).
    const most = Math.max(...kit.ollama.requests.map((r) => JSON.stringify(r.messages).split('// padding').length - 1));
    assert.ok(most < 1_000, `${most} padding lines of the refused answer went into one request`);
  });

  test('5,000 edits in one answer are refused whole: none of the 5,000 files is written', async function () {
    await requireSandbox(this);
    // 5,000 writes are about 64,000 o200k tokens: under qwen3-coder's 65,536-token output ceiling (configured as
    // the cap here) and its 1 MiB byte cap, so the edit count is what refuses them.
    const edits = Array.from({ length: 5_000 }, (_, i) => ({ kind: 'write', path: String(i), content: '' }));
    const run = await runWithCodeAnswers({ json: { explanation: 'many files', edits, needFiles: [] } }, 65_536);
    kit = run.kit;
    const s = run.state;
    assert.equal(s.state, 'needs-human', s.reason);
    assert.match(`${s.reason}\n${JSON.stringify(s.handoff)}`, new RegExp(`the answer has 5000 edits; at most ${MAX_EDITS_PER_ANSWER} are applied from one answer`));
    const wt = s.worktree!;
    for (const i of [0, 1, 99, 100, 4_999]) assert.equal(existsSync(join(wt.path, String(i))), false, `file ${i} was written`);
    assert.equal(kit.repo.git('diff', '--name-only', wt.baseCommit, wt.branch, '--', '0', '4999'), '');
    assert.ok(run.codeCalls >= 2, `code step asked ${run.codeCalls} times`);
  });
});
