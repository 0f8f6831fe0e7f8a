import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FunctionalSpec } from '../../src/core/deliverables/functionalSpec';
import type { Plan } from '../../src/core/deliverables/plan';
import type { ReviewReport } from '../../src/core/deliverables/reviewReport';
import type { TechSpec } from '../../src/core/deliverables/techSpec';
import { newRunState } from '../../src/core/engine/newRunState';
import { ciFixPhase } from '../../src/core/pipeline/phases/ciFixPhase';
import { discoveryPhase } from '../../src/core/pipeline/phases/discoveryPhase';
import { implementationPhase } from '../../src/core/pipeline/phases/implementationPhase';
import { planningPhase } from '../../src/core/pipeline/phases/planningPhase';
import { reviewPhase } from '../../src/core/pipeline/phases/reviewPhase';
import { techSpecPhase } from '../../src/core/pipeline/phases/techSpecPhase';
import { PipelineRunner } from '../../src/core/pipeline/pipelineRunner';
import { RunStore } from '../../src/core/pipeline/runStore';
import { renderPrompt } from '../../src/core/prompts/promptLibrary';
import type { ApprovalPort } from '../../src/core/ports/approvalPort';
import { routeFor } from '../../src/core/ticket/route';
import type { Ticket } from '../../src/core/ticket/ticket';
import { changedFiles } from '../../src/core/workspace/changedFiles';
import { mergeApproved } from '../../src/core/workspace/mergeApproved';
import { runTestCommand } from '../../src/core/workspace/testCommandRunner';
import { snapshotCheckout } from '../fixtures/fixtureRepo';
import { edits, script, startPhaseHarness, write, type PhaseHarness } from '../fixtures/phaseHarness';

const ticket: Ticket = { id: 'mul', kind: 'feature', title: 'Add multiply', body: 'The calculator needs mul(a, b).', acceptanceCriteria: ['mul(a, b) returns a * b'], dependsOn: [] };
const spec: FunctionalSpec = {
  summary: 'Add mul(a, b).', userStories: ['As a user I want to multiply'], acceptanceCriteria: [{ id: 'AC-1', text: 'mul(a, b) returns a * b' }], outOfScope: [], openQuestions: [], needFiles: [],
};
const design: TechSpec = {
  overview: 'A function next to add().', components: [{ name: 'calculator', responsibility: 'arithmetic', files: ['src/calculator.js'] }],
  dataFlow: 'none', risks: [], testStrategy: 'node:test unit test', coversCriteria: ['AC-1'], needFiles: [],
};
const plan: Plan = { tasks: [{ id: 'T1', title: 'Add mul()', description: 'Add and export mul(a, b)', files: ['src/calculator.js'], tests: ['test/mul.test.js'], criteria: ['AC-1'] }], needFiles: [] };
const tests = "'use strict';\nconst test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { mul } = require('../src/calculator');\n\ntest('mul multiplies', () => {\n  assert.equal(mul(3, 4), 12);\n});\n";
const code = "'use strict';\n\n/** Adds two numbers. */\nfunction add(a, b) {\n  return a + b;\n}\n\n/** Multiplies two numbers. */\nfunction mul(a, b) {\n  return a * b;\n}\n\nmodule.exports = { add, mul };\n";

const approvals: ApprovalPort = {
  reviewFiles: () => Promise.reject(new Error('not asked in this test')),
  approveDeliverable: () => Promise.reject(new Error('not asked in this test')),
};

suite('a feature ticket through the runner', function () {
  this.timeout(120_000);
  let h: PhaseHarness | undefined;
  let storeDir: string | undefined;
  teardown(async () => {
    await h?.close();
    if (storeDir !== undefined) rmSync(storeDir, { recursive: true, force: true });
  });

  test('goes discovery → … → red → green → reviewed → merged; the user checkout is byte-identical until the merge', async () => {
    const s = script({
      discovery: [{ json: spec }], techSpec: [{ json: design }], planning: [{ json: plan }],
      tests: [edits('a test for mul', write('test/mul.test.js', tests))],
      code: [edits('add mul', write('src/calculator.js', code))],
      review: [{ json: { decision: 'approve', summary: 'mul() is right and tested.', findings: [{ severity: 'nit', message: 'fine' }] } satisfies ReviewReport }],
    });
    h = await startPhaseHarness(ticket, s.respond);
    storeDir = mkdtempSync(join(tmpdir(), 'shipwright-store-'));
    const before = snapshotCheckout(h.repo.dir);
    const runner = new PipelineRunner({
      config: h.configFor(), store: new RunStore(storeDir), providers: h.providers, render: renderPrompt, approvals,
      phases: { discovery: discoveryPhase, techSpec: techSpecPhase, planning: planningPhase, implementation: implementationPhase, ciFix: ciFixPhase, review: reviewPhase },
      emit: (e) => void h?.events.push(e),
    });
    const state = await runner.run(newRunState(ticket, routeFor('feature'), 5), h.worktree, new AbortController().signal);
    assert.equal(state.state, 'ready', state.reason);
    assert.deepEqual(snapshotCheckout(h.repo.dir), before);

    const log = h.repo.git('log', '--reverse', '--format=%s', `${h.worktree.baseCommit}..${h.worktree.branch}`).trim().split('\n');
    assert.deepEqual(log.map((l) => l.replace(/ — .*/, '')), [
      'shipwright(mul): discovery', 'shipwright(mul): techSpec', 'shipwright(mul): planning',
      'shipwright(mul): failing tests first (red)', 'shipwright(mul): T1 Add mul() (green)', 'shipwright(mul): implementation', 'shipwright(mul): review',
    ]);
    const md = h.repo.git('show', `${h.worktree.branch}:.shipwright/mul/04-implementation.md`);
    assert.match(md, /## Tests first \(red\)[\s\S]*mul is not a function[\s\S]*## Result \(green\)/);

    const files = await changedFiles(h.worktree);
    const decisions = files.map((f) => ({ path: f.path, contentHash: f.contentHash, decision: f.path.startsWith('.shipwright/') ? 'reject' as const : 'approve' as const }));
    const merged = await mergeApproved(h.worktree, decisions);
    assert.deepEqual(merged.merged.sort(), ['src/calculator.js', 'test/mul.test.js']);
    assert.equal(readFileSync(join(h.repo.dir, 'src/calculator.js'), 'utf8'), code);
    const green = await runTestCommand({ command: 'npm test', cwd: h.repo.dir, timeoutMs: 60_000, outputBudgetChars: 4_000 });
    assert.equal(green.exitCode, 0, green.output);

    // Input tokens per phase, as the providers reported them (a product metric; printed for the note).
    const perPhase = new Map<string, number>();
    for (const r of state.ledger) perPhase.set(r.phase, (perPhase.get(r.phase) ?? 0) + r.usage.inputTokens);
    const largest = Math.max(...state.ledger.map((r) => r.usage.inputTokens));
    console.log(`      input tokens per phase: ${[...perPhase].map(([p, t]) => `${p} ${t}`).join(', ')}; largest call ${largest}`);
    assert.ok(largest > 0);
  });
});
