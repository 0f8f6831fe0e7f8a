import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PhaseForecast } from '../../../src/core/engine/engineApi';
import type { RunState } from '../../../src/core/pipeline/runState';
import type { Ticket } from '../../../src/core/ticket/ticket';
import { startFakeAnthropic } from '../../fakes/fakeAnthropicServer';
import { startFakeOllama } from '../../fakes/fakeOllamaServer';
import type { FakeModelServer, FakeReply, FakeRequest } from '../../fakes/fakeScript';
import { scriptedModel, validatedPhaseOf } from '../../fakes/scriptedModel';
import { shipwright } from './shipwrightApi';

/** Polls `check` every 100 ms until it returns a value; fails with `what` after `ms`. */
async function until<T>(what: string, check: () => T | undefined | false, ms = 60_000): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) {
    const v = check();
    if (v) return v;
  }
  throw new Error(`timed out waiting for ${what}`);
}

const local = ['local-large', 'sonnet'];
const ticket: Ticket = { id: 'add-subtract', kind: 'feature', title: 'Add subtract to the calculator', body: 'Add subtract(a, b) to src/calculator.js, exported next to add.', acceptanceCriteria: [], dependsOn: [], source: 'in-host test' };

suite('a ticket through the commands, in the real extension host', () => {
  let ollama: FakeModelServer;
  let anthropic: FakeModelServer;
  /** Answers a model call before the scripted calculator model does (undefined: let it answer). */
  let override: ((req: FakeRequest) => FakeReply | undefined) | undefined;
  const root = (): string => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('a folder is open');

  suiteSetup(async () => {
    const model = scriptedModel((req) => override?.(req));
    ollama = await startFakeOllama({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32_768 }, { name: 'qwen3-coder:30b', contextLength: 262_144 }], respond: model.responder });
    anthropic = await startFakeAnthropic({ respond: model.responder });
    mkdirSync(join(root(), '.shipwright'), { recursive: true });
    writeFileSync(join(root(), '.shipwright', 'config.json'), JSON.stringify({
      ollamaHost: ollama.url, anthropicBaseUrl: anthropic.url, testCommand: 'npm test', testTimeoutMs: 60_000, callTimeoutMs: 30_000,
      chains: { discovery: local, techSpec: local, planning: local, implementation: local, review: local, validation: ['haiku'] },
      checkpoints: ['techSpec'],
      attemptCap: 1,
    }));
    const api = await shipwright();
    await api.keys.set('test-key'); // the cloud validator's key, through SecretStorage
    api.engines.invalidate(); // the next run uses the file just written
  });

  teardown(() => {
    override = undefined;
  });

  suiteTeardown(async () => {
    await Promise.all([ollama?.close(), anthropic?.close()]);
  });

  test('Dry Run forecasts every phase of the route without calling a model', async () => {
    const calls = ollama.requests.length + anthropic.requests.length;
    const forecast = await vscode.commands.executeCommand<PhaseForecast[]>('shipwright.dryRun', ticket);
    assert.deepEqual([...new Set(forecast.map((f) => f.phase))].filter((p) => p !== 'validation'), ['discovery', 'techSpec', 'planning', 'implementation', 'review']);
    assert.equal(ollama.requests.length + anthropic.requests.length, calls, 'no model call');
  });

  test('a checkpoint waits in the panel; the change is reviewed in the diff editor; an edit after approval needs approval again; Approve All merges what was seen', async () => {
    const api = await shipwright();
    const running = vscode.commands.executeCommand<RunState>('shipwright.runTicket', ticket);
    const checkpoint = await until('the techSpec checkpoint', () => api.desk.checkpoint(ticket.id));
    assert.equal(checkpoint.phase, 'techSpec');
    await until('the panel to show the checkpoint', () => api.board.snapshot.selected?.checkpoint?.phase === 'techSpec');
    await api.actions.decideCheckpoint(ticket.id, 'approve');
    const ready = await running;
    assert.equal(ready.state, 'ready', ready.reason);

    await until('the changed files', () => api.desk.files(ticket.id)?.some((f) => f.path === 'src/calculator.js'));
    await api.actions.openDiff(ticket.id, 'src/calculator.js');
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(tab instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    assert.equal(tab.original.scheme, 'shipwright-base');
    assert.equal(tab.modified.fsPath, join(ready.worktree?.path ?? '', 'src', 'calculator.js'));
    await vscode.commands.executeCommand('shipwright.approveFile', tab.modified);
    const approval = (): string | undefined => api.board.snapshot.selected?.files.find((f) => f.path === 'src/calculator.js')?.approval;
    assert.equal(approval(), 'approved');

    const doc = await vscode.workspace.openTextDocument(tab.modified);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, new vscode.Position(0, 0), '// reviewed by a person\n');
    await vscode.workspace.applyEdit(edit);
    await doc.save();
    await until('the approval to go stale after the edit', () => approval() === 'stale', 20_000);

    await vscode.commands.executeCommand('shipwright.approveAll', ticket.id, { confirmed: true });
    await until('the merge', () => api.board.find(ticket.id)?.run.state === 'done');
    const merged = readFileSync(join(root(), 'src', 'calculator.js'), 'utf8');
    assert.match(merged, /^\/\/ reviewed by a person\n/, 'the person\'s edit is what was merged');
    assert.match(merged, /function subtract/);

    await api.actions.openDeliverable(ticket.id, 'techSpec');
    const shown = vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.languageId === 'markdown');
    assert.ok(shown, 'the deliverable opened as markdown');
  });

  test('Cancel stops a running ticket and the run resolves cancelled', async () => {
    const api = await shipwright();
    override = (req) => (req.schemaName === 'FunctionalSpec' ? { hang: true } : undefined);
    const t: Ticket = { ...ticket, id: 'add-power', title: 'Add power to the calculator', body: 'Add power(a, n) in src/power.js.' };
    const running = vscode.commands.executeCommand<RunState>('shipwright.runTicket', t);
    await until('the model call to hang', () => ollama.requests.some((r) => r.schemaName === 'FunctionalSpec' && r.messages.some((m) => m.content.includes('power'))));
    await api.board.refresh();
    await vscode.commands.executeCommand('shipwright.cancel', t.id);
    const stopped = await running;
    assert.equal(stopped.state, 'cancelled', stopped.reason);
  });

  test('a stuck phase: the person edits its deliverable and the run continues from it', async () => {
    const api = await shipwright();
    override = (req) => (req.schemaName === 'Verdict' && validatedPhaseOf(req) === 'discovery' ? { json: { pass: false, objections: [{ message: 'no story for negative numbers' }] } } : undefined);
    const t: Ticket = { ...ticket, id: 'add-multiply', title: 'Add multiply to the calculator', body: 'Add multiply(a, b) in src/multiply.js.' };
    const stuck = await vscode.commands.executeCommand<RunState>('shipwright.runTicket', t);
    assert.equal(stuck.state, 'needs-human', stuck.reason);
    assert.match(api.board.snapshot.selected?.handoff?.text ?? '', /.+/, 'the panel shows the handoff summary');
    override = undefined;

    await api.actions.editDeliverable(t.id);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor && editor.document.fileName.endsWith(`${t.id}-discovery.json`), 'the edit file is open');
    const skeleton: unknown = JSON.parse(editor.document.getText());
    assert.ok(skeleton && typeof skeleton === 'object' && 'summary' in skeleton, 'it starts from the deliverable\'s fields');
    const written = { summary: 'multiply(a, b) for the calculator', userStories: ['As a developer, I want multiply(), so that I need not write it.'], acceptanceCriteria: [{ id: 'AC-1', text: 'multiply(6, 7) is 42, multiply(-2, 3) is -6' }], outOfScope: [], openQuestions: [] };
    await editor.edit((b) => b.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), JSON.stringify(written, null, 2)));
    const continuing = api.actions.continueWithEdit(t.id);
    await until('the techSpec checkpoint after the edited discovery', () => api.desk.checkpoint(t.id));
    await api.actions.decideCheckpoint(t.id, 'approve');
    const continued = await continuing;
    const discovery = continued?.phases.find((p) => p.phase === 'discovery');
    assert.equal(discovery?.status, 'done');
    assert.equal(discovery?.attempts.at(-1)?.modelKey, 'human', 'the person\'s deliverable was taken');
    assert.match(discovery?.markdown ?? '', /multiply\(-2, 3\) is -6/);
  });
});
