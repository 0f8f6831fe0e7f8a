import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import type { FakeReply, FakeRequest } from '../fakes/fakeScript';
import { scriptedModel } from '../fakes/scriptedModel';
import { git } from '../fixtures/fixtureRepo';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');
const ticket = () => parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md');
const REASON = 'name the function minus instead';

/** The session that answers the person's rejection (the task text names it). */
const isHumanFix = (req: FakeRequest): boolean => req.schemaName === 'FileEdits' && req.messages.some((m) => m.content.includes('A reviewer rejected these files'));
const userText = (req: FakeRequest): string => req.messages.map((m) => m.content).join('\n');

suite('engine.finish: files a person rejects and sends back go to a model session, then review again', function () {
  this.timeout(120_000);
  let kit: EngineKit | undefined;
  teardown(async () => kit?.close());

  /** Runs the subtract feature to ready and rejects src/calculator.js with REASON, sent back. */
  async function runAndSendBack(fix: FakeReply, opts: { anthropic?: boolean } = {}) {
    const model = scriptedModel((req) => (isHumanFix(req) ? fix : undefined));
    kit = await engineKit({ ollama: model.responder, anthropic: opts.anthropic ? model.responder : undefined });
    const first = await kit.engine.run(ticket());
    assert.equal(first.state, 'ready', first.reason);
    const wt = first.worktree!;
    const headBefore = git(wt.path, 'rev-parse', 'HEAD').trim();
    const calc = (await kit.engine.changedFiles(first.ticket.id)).find((f) => f.path === 'src/calculator.js');
    assert.ok(calc, 'the branch changed src/calculator.js');
    const requestsBefore = kit.ollama.requests.length + kit.anthropic.requests.length;
    const reviewsBefore = model.calls.ReviewReport ?? 0;
    const after = await kit.engine.finish(first.ticket.id, [
      { path: 'src/calculator.js', decision: 'reject', contentHash: calc.contentHash, reason: REASON, sendBack: true },
    ], 'merge');
    const fixRequests = [...kit.ollama.requests, ...kit.anthropic.requests].filter(isHumanFix);
    return { model, after, wt, headBefore, requestsBefore, reviewsBefore, fixRequests };
  }

  test('the model gets the reason, its change is committed on the branch, review runs again, the ticket is ready again', async () => {
    const fix: FakeReply = { json: {
      explanation: 'add minus as the name the reviewer asked for',
      edits: [{ kind: 'replace', path: 'src/calculator.js', search: 'module.exports = { subtract, add };', replace: 'const minus = subtract;\n\nmodule.exports = { minus, subtract, add };' }],
      needFiles: [],
    } };
    const r = await runAndSendBack(fix);
    const k = kit!;
    assert.equal(r.after.state, 'ready', r.after.reason);
    assert.equal(r.fixRequests.length, 1, 'one implementationCode session answered the rejection');
    const fixReq = r.fixRequests[0];
    assert.ok(k.ollama.requests.indexOf(fixReq) >= r.requestsBefore, 'the session ran after finish');
    assert.match(userText(fixReq), new RegExp(REASON));
    assert.match(userText(fixReq), /src\/calculator\.js/);
    assert.match(fixReq.system, /coding step of a tests-first implementation/, 'the implementationCode prompt');

    // The branch has a new commit, marked as the human-fix step, holding the requested change.
    const log = git(r.wt.path, 'log', '--format=%H %s%n%(trailers:key=Shipwright-Step,valueonly)', `${r.headBefore}..HEAD`);
    assert.match(log, /address the files a reviewer rejected[\s\S]*\nhuman-fix-1/);
    const committed = git(r.wt.path, 'show', 'HEAD:src/calculator.js');
    assert.match(committed, /const minus = subtract;/);
    assert.match(committed, /module\.exports = \{ minus, subtract, add \}/);
    assert.equal(git(r.wt.path, 'status', '--porcelain').trim(), '', 'nothing left uncommitted');

    // Review read the change again and approved it.
    assert.equal(r.model.calls.ReviewReport, r.reviewsBefore + 1);
    const review = r.after.phases.find((p) => p.phase === 'review');
    assert.equal(review?.status, 'done');
    assert.match(git(r.wt.path, 'show', 'HEAD:.shipwright/' + r.after.ticket.id + '/04-implementation.md'), /human-fix-1: files rejected by a reviewer/);
    // The person's checkout is still untouched.
    assert.doesNotMatch(readFileSync(join(k.repo.dir, 'src/calculator.js'), 'utf8'), /minus/);
  });

  test('a fix that leaves the tests red every time ends needs-human with the reason in the handoff', async () => {
    const broken = "'use strict';\n\n/** Adds two numbers. */\nfunction add(a, b) {\n  return a + b;\n}\n\n/** Subtracts b from a. */\nfunction minus(a, b) {\n  return a - b;\n}\n\nmodule.exports = { minus, add };\n";
    const fix: FakeReply = { json: { explanation: 'rename subtract to minus', edits: [{ kind: 'write', path: 'src/calculator.js', content: broken }], needFiles: [] } };
    const r = await runAndSendBack(fix, { anthropic: true });
    assert.equal(r.after.state, 'needs-human', r.after.reason);
    assert.equal(r.fixRequests.length, 3 + 1, 'attemptCap attempts on the first model, then one escalated attempt');
    assert.equal(kit!.anthropic.requests.filter(isHumanFix).length, 1, 'the escalated attempt went to the next model');
    const handoff = r.after.handoff;
    assert.equal(handoff?.phase, 'implementation');
    assert.match(handoff?.text ?? '', new RegExp(REASON));
    assert.ok(handoff?.openObjections.some((o) => o.source === 'tests'), 'the open objection says the tests fail');
    assert.doesNotMatch(git(r.wt.path, 'log', '--format=%(trailers:key=Shipwright-Step,valueonly)', `${r.headBefore}..HEAD`), /human-fix/);
    assert.equal(r.model.calls.ReviewReport, r.reviewsBefore, 'review did not run on a red change');
  });
});
