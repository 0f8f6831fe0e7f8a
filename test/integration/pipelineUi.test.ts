import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { formatUsd } from '../../src/core/models/costLedger';
import { RunState } from '../../src/core/pipeline/runState';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { startFakeOllama } from '../fakes/fakeOllamaServer';
import type { FakeModelServer, FakeReply, FakeRequest } from '../fakes/fakeScript';
import { scriptedModel, validatedPhaseOf } from '../fakes/scriptedModel';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';
import { answerQuickInput, runFromPalette, runTicketFromPalette } from './palette';
import { extensionPath, openWorkbench, type Workbench } from './workbench';
import { repoRoot } from './codeServer';
import { setSidebarWidth, shootSidebar } from './sidebar';

/** The models the fake Ollama serves (context lengths in tokens), the default config's local models. */
const LOCAL_MODELS = [
  { name: 'qwen2.5-coder:7b', contextLength: 32_768 },
  { name: 'qwen3-coder:30b', contextLength: 262_144 },
];

const local = ['local-large', 'sonnet'];

/** A run's state as the engine wrote it (`<git dir>/shipwright/runs/<id>/`: `state.json`, and its ledger in `ledger.jsonl`). */
function runState(repo: FixtureRepo, id: string): RunState {
  const dir = join(repo.dir, '.git', 'shipwright', 'runs', id);
  const ledger = readFileSync(join(dir, 'ledger.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l): unknown => JSON.parse(l));
  return RunState.parse({ ...JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')), ledger });
}

/** The pipeline panel's document: the webview is two nested iframes. */
function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

suite('Shipwright in code-server, driven in headless Chromium', function () {
  this.timeout(240_000);
  let repo: FixtureRepo;
  let ollama: FakeModelServer;
  let anthropic: FakeModelServer;
  let wb: Workbench;
  /** Answers a model call before the scripted calculator model does (undefined: let it answer). */
  let override: ((req: FakeRequest) => FakeReply | undefined) | undefined;

  suiteSetup(async () => {
    repo = makeFixtureRepo('calculator');
    const model = scriptedModel((req) => override?.(req));
    ollama = await startFakeOllama({ models: LOCAL_MODELS, respond: model.responder });
    anthropic = await startFakeAnthropic({ respond: model.responder });
    // Endpoints and the test command in the workspace file; chains and the attempt cap in settings: both layers.
    mkdirSync(join(repo.dir, '.shipwright'));
    writeFileSync(join(repo.dir, '.shipwright', 'config.json'), JSON.stringify({ ollamaHost: ollama.url, anthropicBaseUrl: anthropic.url, testCommand: 'npm test', testTimeoutMs: 60_000, callTimeoutMs: 30_000 }, null, 2));
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'Shipwright configuration');
    wb = await openWorkbench({
      workspace: repo.dir,
      settings: {
        'shipwright.chains': { discovery: local, techSpec: local, planning: local, implementation: local, review: local, diagnosis: local, split: local, ciFix: local, validation: ['haiku'] },
        'shipwright.attemptCap': 1,
      },
      env: { ANTHROPIC_API_KEY: 'test-key' },
      viewport: { width: 1400, height: 1300 },
      payload: [['extensionDevelopmentPath', extensionPath]],
    });
    // Our own activity-bar item shows once the workbench has read the extension's manifest.
    const item = wb.page.locator('.activitybar .action-item a[aria-label^="Shipwright"]');
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    await item.click();
    await panel(wb.page).locator('button[data-key="run"]').waitFor({ state: 'visible', timeout: 60_000 });
  });

  // A failed UI test leaves a screenshot and the panel's text in test-results/ (git-ignored) to look at.
  teardown(async function () {
    if (this.currentTest?.state !== 'failed' || !wb) return;
    const dir = join(repoRoot, 'test-results');
    mkdirSync(dir, { recursive: true });
    const name = (this.currentTest.title.slice(0, 40) || 'ui').replace(/[^a-z0-9]+/gi, '-');
    await wb.page.screenshot({ path: join(dir, `${name}.png`) }).catch(() => undefined);
    const text = await panel(wb.page).locator('body').innerText({ timeout: 5_000 }).catch((e: unknown) => `(no panel text: ${String(e)})`);
    writeFileSync(join(dir, `${name}.txt`), `${text}\n\n--- console ---\n${wb.console.join('\n')}`);
  });

  suiteTeardown(async () => {
    if (process.env.SHIPWRIGHT_TEST_VERBOSE) console.log(wb?.console.join('\n'));
    await wb?.close();
    await Promise.all([ollama?.close(), anthropic?.close()]);
    repo?.cleanup();
  });

  test('a feature ticket from the palette completes every phase; the status bar shows the ledger\'s dollars; Approve merges the diff', async () => {
    const { page } = wb;
    await runTicketFromPalette(page, 'Add subtract to the calculator', 'Add subtract(a, b) to src/calculator.js, exported next to add.');
    const id = 'add-subtract-to-the-calculator';

    const view = panel(page);
    await view.locator('[data-testid="ticket-state"]', { hasText: 'ready' }).waitFor({ timeout: 180_000 });
    const phases = await view.locator('li.phase').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-phase')}:${e.getAttribute('data-status')}`));
    assert.deepEqual(phases, ['discovery:done', 'techSpec:done', 'planning:done', 'implementation:done', 'review:done']);

    const state = runState(repo, id);
    assert.equal(state.state, 'ready');
    const ledgerUsd = formatUsd(state.ledger.reduce((s, r) => s + r.usd, 0));
    assert.ok(state.ledger.some((r) => r.provider === 'anthropic' && r.usd > 0), 'the validator ran on the (fake) cloud and cost something');
    assert.equal(await view.locator('[data-testid="total-usd"]').textContent(), ledgerUsd);
    const meter = page.locator('.part.statusbar .statusbar-item', { hasText: 'today' });
    await assert.doesNotReject(meter.filter({ hasText: `${ledgerUsd} · today ${ledgerUsd}` }).waitFor({ timeout: 10_000 }), `status bar shows ${ledgerUsd}`);

    // The README's picture: the side bar at its default width, as people see it.
    await setSidebarWidth(page);
    await shootSidebar(page, 'screenshot-panel');

    await view.locator('button[data-key="diff:src/calculator.js"]').click();
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.editor-actions [aria-label^="Approve"]').first().click();
    await view.locator('li.file[data-path="src/calculator.js"].approval-approved').waitFor({ timeout: 20_000 });
    await view.locator('button[data-key="approve-all"]').click();
    // The merge asks first, saying what lands where.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    assert.match((await dialog.innerText()).replace(/\s+/g, ' '), /Merge 2 files of "Add subtract to the calculator" into main\?/);
    await dialog.locator('.monaco-button', { hasText: 'Merge' }).click();
    await view.locator('[data-testid="ticket-state"]', { hasText: 'done' }).waitFor({ timeout: 60_000 });
    assert.match(readFileSync(join(repo.dir, 'src', 'calculator.js'), 'utf8'), /function subtract\(a, b\)/, 'the approved change is in the user\'s checkout');
    assert.match(repo.git('log', '-1', '--format=%s'), /^Merge shipwright\//);
  });

  test('a ticket the validator keeps rejecting shows its handoff summary, and Retry with a chosen model carries it on', async () => {
    const { page } = wb;
    override = (req) => (req.schemaName === 'Verdict' && validatedPhaseOf(req) === 'discovery' ? { json: { pass: false, objections: [{ message: 'the spec says nothing about negative results', where: 'acceptanceCriteria' }] } } : undefined);
    await runTicketFromPalette(page, 'Add multiply to the calculator', 'Add multiply(a, b) in src/multiply.js.');

    const view = panel(page);
    const handoff = view.locator('[data-testid="handoff"]');
    await handoff.waitFor({ timeout: 120_000 });
    assert.match((await handoff.textContent()) ?? '', /negative results/, 'the open objection is in the summary');
    assert.equal(runState(repo, 'add-multiply-to-the-calculator').state, 'needs-human');

    override = undefined;
    await view.locator('select#retry-model').selectOption('local-large');
    await view.locator('button[data-key="retry"]').click();
    await view.locator('li.phase[data-phase="discovery"][data-status="done"]').waitFor({ timeout: 120_000 });
    const retried = runState(repo, 'add-multiply-to-the-calculator').phases.find((p) => p.phase === 'discovery');
    assert.equal(retried?.attempts.at(-1)?.modelKey, 'local-large', 'the retry ran on the chosen model');
  });

  test('the panel works from the keyboard: Enter on a ticket selects it, focus survives the re-render, the live region says its state', async () => {
    const view = panel(wb.page);
    const key = 'ticket:add-subtract-to-the-calculator';
    await view.locator(`button[data-key="${key}"]`).focus();
    await wb.page.keyboard.press('Enter');
    await view.locator('#detail-title', { hasText: 'Add subtract to the calculator' }).waitFor({ timeout: 10_000 });
    assert.equal(await view.locator(`button[data-key="${key}"]`).getAttribute('aria-pressed'), 'true');
    assert.equal(await view.locator('body').evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined)), key);
    await view.locator('#announce', { hasText: 'Add subtract to the calculator: done' }).waitFor({ state: 'attached', timeout: 10_000 });
    // Arrow keys move along the ticket list (two tickets by now).
    const focused = (): Promise<string | undefined> => view.locator('body').evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined));
    await wb.page.keyboard.press('Home');
    const first = await focused();
    await wb.page.keyboard.press('ArrowDown');
    const second = await focused();
    assert.ok(first?.startsWith('ticket:') && second?.startsWith('ticket:') && first !== second, `ArrowDown moved from ${first} to ${second}`);
    await wb.page.keyboard.press('ArrowUp');
    assert.equal(await focused(), first);
  });

  test('the explorer\'s context menu runs a markdown file as a ticket (a file that is not one is refused naming it); the cost meter opens the panel', async () => {
    const { page } = wb;
    await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').click();
    const readme = page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).first();
    await readme.waitFor({ timeout: 20_000 });
    await readme.click({ button: 'right' });
    // The workbench's context menu ignores a click that lands while it is still opening: hover, then press.
    const item = page.locator('.context-view .action-label', { hasText: 'Run Ticket from File' });
    await item.hover();
    await page.waitForTimeout(300);
    await page.mouse.down();
    await page.mouse.up();
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'README.md' });
    await toast.waitFor({ timeout: 20_000 });
    assert.match((await toast.innerText()).replace(/\s+/g, ' '), /Shipwright: README\.md.*front matter/i, 'the error names the file and what is missing');

    // The explorer is in front now; a click on the cost meter brings the pipeline back.
    await page.locator('.part.statusbar .statusbar-item', { hasText: 'today' }).click();
    await panel(page).locator('button[data-key="run"]').waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.locator('.explorer-folders-view').isVisible(), false);
  });
});
