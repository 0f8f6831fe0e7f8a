import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../src/core/deliverables/plan';
import { planChecks, type PlanSources } from '../../src/core/pipeline/planChecks';
import { criterionKey } from '../../src/core/pipeline/criterionKey';
import { scriptedModel, validatedPhaseOf } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';
import { fixtureTicket } from '../fixtures/fixtureTicket';

const ticket = () => fixtureTicket('feature-add-subtract.md');

const task = (over: Partial<Plan['tasks'][number]> = {}): Plan['tasks'][number] => ({
  id: 'T1', title: 'Implement subtract', description: 'Add subtract', files: ['src/calculator.js', 'test/subtract.test.js'], tests: ['test/subtract.test.js'], criteria: ['AC-1', 'AC-2'], ...over,
});

suite('planning is checked against its sources without a model; review approvals too', () => {
  let dir: string | undefined;
  let outside: string | undefined;
  let kit: EngineKit | undefined;
  teardown(async () => {
    await kit?.close();
    kit = undefined;
    for (const d of [dir, outside]) if (d) rmSync(d, { recursive: true, force: true });
    dir = outside = undefined;
  });

  const sources = (over: Partial<PlanSources> = {}): PlanSources => ({
    criteriaIds: ['AC-1', 'AC-2'],
    designFiles: [{ path: 'src/calculator.js', component: 'subtract' }],
    worktreePath: dir!,
    ...over,
  });

  test('planChecks: a plan that covers every criterion and design file, with new and existing paths, passes; each fault is named', async () => {
    dir = mkdtempSync(join(tmpdir(), 'shipwright-plan-'));
    outside = mkdtempSync(join(tmpdir(), 'shipwright-outside-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'calculator.js'), 'module.exports = {};\n');
    symlinkSync(outside, join(dir, 'elsewhere'));

    // A new test file, an existing source file, a protected place a person may open at edit time: all pass.
    assert.deepEqual(await planChecks({ tasks: [task({ files: ['src/calculator.js', 'test/subtract.test.js', '.github/workflows/ci.yml'] })], needFiles: [] }, sources()), []);

    const messages = async (plan: Plan, s = sources()) => (await planChecks(plan, s)).map((o) => o.message);
    assert.deepEqual(await messages({ tasks: [task({ criteria: ['AC-1'] })], needFiles: [] }), ['no task satisfies AC-2: every acceptance criterion belongs to at least one task']);
    assert.deepEqual(await messages({ tasks: [task({ criteria: ['ac1', 'AC 2'] })], needFiles: [] }), [], 'the same ids, spelled otherwise');
    assert.match((await messages({ tasks: [task({ criteria: ['AC-1', 'AC-2', 'AC-1.1'] })], needFiles: [] }, sources({ criteriaIds: ['AC-1', 'AC-2', 'AC-11'] }))).join(), /no task satisfies AC-11/);
    assert.match((await messages({ tasks: [task({ criteria: ['AC-1', 'AC-2', 'AC-7'] })], needFiles: [] }))[0], /cites AC-7, which the functional specification does not have \(its criteria: AC-1, AC-2\)/);
    assert.match((await messages({ tasks: [task({ files: ['test/subtract.test.js'] })], needFiles: [] }))[0], /the design changes src\/calculator\.js \(subtract\), but no task lists it/);
    // The design's spelling and the plan's may differ by `./`; a folder or pattern in the design is not held to a task.
    assert.deepEqual(await messages({ tasks: [task({ files: ['./src/calculator.js'] })], needFiles: [] }, sources({ designFiles: [{ path: 'src/calculator.js', component: 'c' }, { path: 'src/', component: 'c' }, { path: 'src/*.js', component: 'c' }] })), []);
    assert.deepEqual(await messages({ tasks: [task({ id: 'T1' }), task({ id: 'T1' })], needFiles: [] }), ['task ids must be unique; repeated: T1']);
    // Two models' spellings of one file are one file: case, a symlinked folder, a note after the path, a new folder
    // the plan fills, a new file the planner placed elsewhere under its name.
    symlinkSync(join(dir, 'src'), join(dir, 'lib'));
    const covers = async (design: string, planned: string[]) => messages({ tasks: [task({ files: planned })], needFiles: [] }, sources({ designFiles: [{ path: design, component: 'c' }] }));
    assert.deepEqual(await covers('SRC/Calculator.js', ['src/calculator.js']), [], 'the plan spells the file on disk');
    assert.match((await covers('src/calculator.js', ['src/Calculator.js'])).join(), /the design changes src\/calculator\.js/, 'the plan\'s spelling is no file here');
    assert.deepEqual(await covers('src/NewThing.js', ['src/newthing.js']), [], 'one new file, two spellings');
    assert.deepEqual(await covers('lib/calculator.js', ['src/calculator.js']), []);
    assert.deepEqual(await covers('src/calculator.js (changed)', ['src/calculator.js']), []);
    assert.deepEqual(await covers('src/validators', ['src/validators/index.js']), []);
    assert.deepEqual(await covers('src/subtract.js', ['lib2/subtract.js']), []);
    assert.deepEqual(await covers('src/a (b)/c.js (new)', ['src/a (b)/c.js']), [], 'only the last note is cut');
    // Two new files of one name: the plan must list both, not one twice over.
    const two = await messages({ tasks: [task({ files: ['src/api/index.ts'] })], needFiles: [] }, sources({ designFiles: [{ path: 'src/api/index.ts', component: 'api' }, { path: 'src/ui/index.ts', component: 'ui' }] }));
    assert.match(two.join(), /the design changes src\/ui\/index\.ts \(ui\)/);
    // An existing file of the design is not stood in for by another file of its name.
    assert.match((await covers('src/calculator.js', ['other/calculator.js'])).join(), /the design changes src\/calculator\.js/);

    const refused = async (p: string) => (await planChecks({ tasks: [task({ files: ['src/calculator.js', p] })], needFiles: [] }, sources())).map((o) => `${o.where}: ${o.message}`).join(' | ');
    assert.match(await refused('../secrets.txt'), /T1: names "\.\.\/secrets\.txt": `\.\.` segments are refused/);
    assert.match(await refused('/etc/passwd'), /absolute paths are refused/);
    assert.match(await refused('.git/config'), /T1: names "\.git\/config"/);
    assert.match(await refused('elsewhere/x.js'), /resolves outside the worktree \(through a symlink\)/);
    assert.match(await refused('src'), /T1: names the folder src; name the files in it/);
    // Without a functional spec (no criteria ids) nothing is held against criteria.
    assert.deepEqual(await messages({ tasks: [task({ criteria: ['X-9'] })], needFiles: [] }, sources({ criteriaIds: [] })), []);
  });

  test('by default no validator model reads the plan or an approving review; a plan the checks refuse is retried with the objection', async () => {
    let plans = 0;
    const model = scriptedModel((req) => {
      // The first plan names a criterion the spec does not have, so AC-1 is planned by no task.
      if (req.schemaName === 'Plan' && ++plans === 1) return { json: { tasks: [{ id: 'T1', title: 'Implement subtract', description: 'Add subtract to src/calculator.js.', files: ['src/calculator.js'], tests: ['test/subtract.test.js'], criteria: ['AC-9'] }] } };
      return undefined;
    });
    kit = await engineKit({ ollama: model.responder });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const judgedPhases = kit.ollama.requests.filter((r) => r.schemaName === 'Verdict').map(validatedPhaseOf);
    assert.deepEqual(judgedPhases, ['discovery', 'techSpec'], 'planning and the approving review are not sent to a validator');
    const planning = s.phases.find((p) => p.phase === 'planning')!;
    assert.deepEqual(planning.attempts.map((a) => a.accepted), [false, true]);
    assert.equal(planning.attempts[0].objections[0].source, 'schema');
    const planRequests = kit.ollama.requests.filter((r) => r.schemaName === 'Plan');
    assert.match(planRequests[1].messages.at(-1)!.content, /no task satisfies AC-1/);
    assert.match(planRequests[1].messages.at(-1)!.content, /T1: cites AC-9/);
    assert.equal(s.ledger.filter((r) => r.phase === 'validation').length, 2, 'two validator calls in the ledger: discovery and techSpec');
    // The planner works from the criteria and the design; the tests step from the criteria and the test strategy.
    assert.doesNotMatch(planRequests[0].messages.at(-1)!.content, /<ticket>/);
    const testsStep = kit.ollama.requests.find((r) => r.schemaName === 'FileEdits' && /test-writing step/.test(r.system))!.messages.at(-1)!.content;
    assert.match(testsStep, /## Acceptance criteria\n- AC-1: subtract is exported/);
    assert.match(testsStep, /## Test strategy\nA node:test file test\/subtract\.test\.js checks the results\./);
    assert.doesNotMatch(testsStep, /## Design: components|### Out of scope/);
    // What reaches the model of each field is its prompt's wording: the schemas sent carry no descriptions.
    for (const r of kit.ollama.requests) {
      assert.ok(r.format !== undefined && r.format !== 'json', `${r.schemaName}: a schema was sent`);
      const described: string[] = [];
      JSON.stringify(r.format, (k, v: unknown) => (k === 'description' && typeof v === 'string' ? (described.push(v), v) : v));
      assert.deepEqual(described, [], r.schemaName);
    }
    // Test output reaches the code step with paths relative to the worktree (`./test/…`), not this machine's.
    const code = kit.ollama.requests.filter((r) => r.schemaName === 'FileEdits' && !/test-writing step/.test(r.system));
    assert.match(code[0].messages.at(-1)!.content, /<test-output>[\s\S]*subtract[\s\S]*<\/test-output>/);
    for (const r of kit.ollama.requests) assert.ok(!r.messages.some((m) => m.content.includes(s.worktree!.path) || m.content.includes(s.worktree!.repoRoot)), `${r.schemaName} names no local path`);
    const verdicts = kit.events.filter((e) => e.type === 'validatorVerdict' && (e.phase === 'planning' || e.phase === 'review'));
    assert.ok(verdicts.length === 3 && verdicts.every((e) => e.type === 'validatorVerdict' && e.judge === 'checks'), 'the verdicts say the checks decided');
  });

  test('a person at a checkpoint decides for the plan (no "checks" verdict); a task citing `ac1` is shown AC-1', async () => {
    assert.equal(criterionKey('ac1'), criterionKey('AC-1'));
    assert.notEqual(criterionKey('AC-1.1'), criterionKey('AC-11'));
    assert.notEqual(criterionKey('КП-1'), criterionKey('ТР-1'));
    const model = scriptedModel((req) => (req.schemaName === 'Plan'
      ? { json: { tasks: [{ id: 'T1', title: 'Implement subtract', description: 'Add subtract to src/calculator.js.', files: ['src/calculator.js'], tests: ['test/subtract.test.js'], criteria: ['ac1'] }] } }
      : undefined));
    kit = await engineKit({ ollama: model.responder, config: { checkpoints: ['planning'] } });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const verdicts = kit.events.filter((e) => e.type === 'validatorVerdict' && e.phase === 'planning');
    assert.equal(verdicts.length, 1);
    assert.ok(verdicts[0].type === 'validatorVerdict' && verdicts[0].pass && verdicts[0].judge === undefined, 'the person approved it');
    const code = kit.ollama.requests.find((r) => r.schemaName === 'FileEdits' && !/test-writing step/.test(r.system))!.messages.at(-1)!.content;
    assert.match(code, /<spec>\n- AC-1: subtract is exported/);
  });

  test('a review that requests changes is read by the validator first; `modelValidation: always` brings the model back for both', async () => {
    let reviews = 0;
    const model = scriptedModel((req) => {
      if (req.schemaName === 'ReviewReport' && ++reviews === 1) return { json: { decision: 'request-changes', summary: 'subtract has no error path', findings: [{ severity: 'blocker', file: 'src/calculator.js', message: 'subtract does not reject NaN' }] } };
      if (req.schemaName === 'Verdict' && validatedPhaseOf(req) === 'review' && reviews === 1) return { json: { pass: false, objections: [{ message: 'the hunk shows no input checks were asked for: the blocker is not grounded' }] } };
      return undefined;
    });
    kit = await engineKit({ ollama: model.responder });
    const s = await kit.engine.run(ticket());
    assert.equal(s.state, 'ready', s.reason);
    const review = s.phases.find((p) => p.phase === 'review')!;
    assert.deepEqual(review.attempts.map((a) => a.accepted), [false, true], 'the ungrounded request is objected to, the approval accepted');
    assert.deepEqual(kit.ollama.requests.filter((r) => r.schemaName === 'Verdict').map(validatedPhaseOf), ['discovery', 'techSpec', 'review']);
    await kit.close();

    kit = await engineKit({ ollama: scriptedModel().responder, config: { modelValidation: { planning: 'always', review: 'always' } } });
    const all = await kit.engine.run(ticket());
    assert.equal(all.state, 'ready', all.reason);
    assert.deepEqual(kit.ollama.requests.filter((r) => r.schemaName === 'Verdict').map(validatedPhaseOf), ['discovery', 'techSpec', 'planning', 'review']);
  });
});
