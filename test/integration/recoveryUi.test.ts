import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { SpendStore } from '../../src/core/budget/spendStore';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { startFakeOllama } from '../fakes/fakeOllamaServer';
import { startFakeOpenAi } from '../fakes/fakeOpenAiServer';
import { isJsonReply, type FakeModelServer, type FakeReply, type FakeRequest } from '../fakes/fakeScript';
import { calculatorAnswer, scriptedModel } from '../fakes/scriptedModel';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';
import { contrastReport } from './contrast';
import { runFromPalette, runTicketFromPalette } from './palette';
import { openPanel, panelMetrics, setSidebarWidth, showsTheme, shootSidebar, SIDEBAR_WIDTH, THEMES } from './sidebar';
import { commitShipwrightConfig, LOCAL_CHAIN_SETTINGS } from './localChains';
import { extensionPath, openWorkbench, type Workbench } from './workbench';

const ROLES = ['discovery', 'techSpec', 'planning', 'implementation', 'review', 'diagnosis', 'split', 'ciFix', 'validation'];
const PRICE = { input: 0.25, output: 2, cacheWrite: 0, cacheRead: 0.025, source: 'test price', date: '2026-11' };

/**
 * What has no other UI test: a `failed` ticket's buttons, the OpenAI-compatible key command, and the cost-warning
 * notification (issue 13's VS Code parts). Light theme, side bar at its default width.
 */
suite(`recovery and keys, light theme, side bar ${SIDEBAR_WIDTH} px`, function () {
  this.timeout(300_000);
  let repo: FixtureRepo;
  let ollama: FakeModelServer;
  let anthropic: FakeModelServer;
  let openai: FakeModelServer;
  let wb: Workbench;
  let view: FrameLocator;
  /** The user's state folder (spend store), the extension host's SHIPWRIGHT_STATE_DIR. */
  let stateDir: string;
  let override: ((req: FakeRequest) => FakeReply | undefined) | undefined;
  const state = (): Promise<string> => view.locator('[data-testid="ticket-state"]').innerText();
  const config = (extra: Record<string, unknown>): void => {
    writeFileSync(join(repo.dir, '.shipwright', 'config.json'), JSON.stringify({ ollamaHost: ollama.url, anthropicBaseUrl: anthropic.url, testCommand: 'npm test', testTimeoutMs: 60_000, callTimeoutMs: 30_000, ...extra }, null, 2));
  };

  suiteSetup(async () => {
    repo = makeFixtureRepo('calculator');
    stateDir = mkdtempSync(join(tmpdir(), 'shipwright-state-'));
    const model = scriptedModel((req) => override?.(req));
    ollama = await startFakeOllama({ respond: model.responder });
    anthropic = await startFakeAnthropic({ respond: model.responder });
    openai = await startFakeOpenAi({ apiKey: 'sk-test-openai', models: [{ id: 'gpt-5-mini', contextLength: 400_000, strict: true, reasoning: true }], respond: model.responder });
    mkdirSync(join(repo.dir, '.shipwright'));
    config({});
    commitShipwrightConfig(repo);
    wb = await openWorkbench({
      workspace: repo.dir,
      settings: {
        'workbench.colorTheme': THEMES.light,
        ...LOCAL_CHAIN_SETTINGS,
      },
      env: { ANTHROPIC_API_KEY: 'test-key', OPENAI_API_KEY: '', SHIPWRIGHT_STATE_DIR: stateDir },
      viewport: { width: 1280, height: 1000 },
      payload: [['extensionDevelopmentPath', extensionPath]],
    });
    view = await openPanel(wb.page);
    assert.ok(Math.abs((await setSidebarWidth(wb.page)) - SIDEBAR_WIDTH) <= 2, 'the side bar is at its default width');
    assert.ok(await showsTheme(wb.page, 'light'), `the workbench shows ${THEMES.light}`);
  });

  teardown(async function () {
    override = undefined;
    if (this.currentTest?.state === 'failed' && wb) await wb.page.screenshot({ path: join('test-results', `recovery-failed-${(this.currentTest.title.slice(0, 30)).replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => undefined);
  });

  suiteTeardown(async () => {
    await wb?.close();
    await Promise.all([ollama?.close(), anthropic?.close(), openai?.close()]);
    repo?.cleanup();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  test('an OpenAI-compatible server that wants a key: nothing can run until Set OpenAI API Key, then the ticket runs on it', async () => {
    const { page } = wb;
    config({ models: { mini: { provider: 'openai', model: 'gpt-5-mini', baseUrl: `${openai.url}/v1`, price: PRICE } }, chains: Object.fromEntries(ROLES.map((r) => [r, ['mini']])) });
    const discovery = view.locator('[data-testid="setup"] li[data-role="discovery"][data-model=""]');
    await discovery.waitFor({ timeout: 30_000 });
    assert.match(await discovery.innerText(), /nothing can run/);

    await runFromPalette(page, 'Shipwright: Set OpenAI API Key');
    const box = page.locator('.quick-input-widget input.input');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'OpenAI API key' }).waitFor({ timeout: 20_000 });
    assert.equal(await box.getAttribute('type'), 'password', 'the key is typed into a password box');
    await box.fill('sk-test-openai');
    await page.keyboard.press('Enter');
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'OpenAI API key stored' }).waitFor({ timeout: 20_000 });
    await view.locator('[data-testid="setup"] li[data-role="discovery"][data-model="mini"]').waitFor({ timeout: 30_000 });
    await shootSidebar(page, 'light-openai-key-set');

    await runTicketFromPalette(page, 'Subtract on an OpenAI-compatible server', 'Add subtract(a, b) to src/calculator.js, exported next to add.');
    await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 180_000 });
    assert.ok(openai.requests.some((r) => r.model === 'gpt-5-mini' && r.headers.authorization === 'Bearer sk-test-openai'), 'the calls carried the key');
    assert.equal(ollama.requests.length + anthropic.requests.length, 0, 'no other provider was called');
    config({});
  });

  test('a failed ticket (its worktree deleted while the model wrote) offers Resume, Retry on a model and Delete; Resume re-creates the worktree and reaches ready; Delete removes the run', async () => {
    const { page } = wb;
    await page.waitForTimeout(1_500); // the file watcher marks the engine stale after the last test's config
    // Discovery's answer streams for about 3 s: time for the person to delete the worktree under it.
    const slowSpec = (req: FakeRequest): FakeReply | undefined => {
      if (req.schemaName !== 'FunctionalSpec') return undefined;
      const reply = calculatorAnswer(req);
      return isJsonReply(reply) ? { ...reply, paceMs: 250 } : reply;
    };
    const worktreeOf = (id: string): string => join(repo.tmp, '.shipwright-worktrees', 'calculator', id);
    const loseWorktree = async (title: string, id: string): Promise<void> => {
      override = slowSpec;
      await runTicketFromPalette(page, title, 'Add subtract(a, b) to src/calculator.js, exported next to add.');
      await view.locator('[data-testid="streamed"]').waitFor({ timeout: 60_000 });
      assert.ok(existsSync(worktreeOf(id)));
      rmSync(worktreeOf(id), { recursive: true, force: true });
      await view.locator('[data-testid="ticket-state"]', { hasText: 'failed' }).waitFor({ timeout: 60_000 });
      override = undefined;
    };

    await loseWorktree('Subtract, worktree lost', 'subtract-worktree-lost');
    const stopped = view.locator('[data-testid="stopped"]');
    assert.equal(await stopped.getAttribute('aria-label'), 'Failed: what next');
    assert.equal(await stopped.locator('button[data-key="resume"]').innerText(), 'Resume');
    assert.equal(await stopped.locator('button', { hasText: /^Retry$/ }).count(), 1, 'one Retry: the one beside the model picker');
    assert.equal(await stopped.locator('button[data-key="delete"]').innerText(), 'Delete run…');
    assert.equal(await stopped.locator('select#retry-model').count(), 1, 'a retry on a chosen model');
    await shootSidebar(page, 'light-failed');
    await stopped.locator('button[data-key="resume"]').click();
    await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 180_000 });
    assert.ok(existsSync(join(worktreeOf('subtract-worktree-lost'), 'src', 'calculator.js')), 'the worktree is back, from the branch');

    await loseWorktree('Subtract, lost and deleted', 'subtract-lost-and-deleted');
    assert.match(await state(), /failed/);
    await view.locator('[data-testid="stopped"] button[data-key="delete"]').click();
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 20_000 });
    await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
    await view.locator('button[data-key="ticket:subtract-lost-and-deleted"]').waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(repo.git('branch', '--list', 'shipwright/subtract-lost-and-deleted*').trim(), '', 'the branch is gone');
  });

  test('a test command whose runner is not installed stops the ticket before any model call, with the set-up panel; once the command is fixed, Resume reaches ready', async () => {
    const { page } = wb;
    // What a new user often has: a test command naming a runner the repository does not install.
    config({ testCommand: 'vitest run' });
    await page.waitForTimeout(1_500); // the file watcher marks the engine stale
    const calls = (): number => ollama.requests.length + anthropic.requests.length + openai.requests.length;
    const before = calls();
    await runTicketFromPalette(page, 'Subtract, no test runner', 'Add subtract(a, b) to src/calculator.js, exported next to add.');

    const handoff = view.locator('[data-testid="handoff"]');
    await handoff.getByRole('heading', { name: 'Needs you: the tests cannot judge this ticket yet' }).waitFor({ timeout: 120_000 });
    assert.match(await state(), /needs/);
    assert.equal(calls(), before, 'no model was called: the test command was checked first');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'subtract-no-test-runner needs you' });
    await toast.waitFor({ timeout: 20_000 });
    assert.match((await toast.innerText()).replace(/\s+/g, ' '), /Stopped before any model was called/);
    const reason = (await handoff.locator('p.reason').innerText()).replace(/\s+/g, ' ');
    assert.match(reason, /vitest: not found \(vitest run exited 127 in [\d.]+ s\): the test runner is not installed where the tests run\. Install the project's dependencies .* or set testCommand in \.shipwright\/config\.json \(in VS Code: the Shipwright: Test Command setting\), then resume/);
    assert.deepEqual(await handoff.locator('p.reason code').allInnerTexts(), ['vitest: not found', 'vitest run', 'worktree.dependencies', 'worktree.setupCommand', 'npm ci', 'testCommand'], 'commands and settings read as code');
    assert.match(await handoff.getByLabel('What the test run printed').innerText(), /vitest: not found/);
    assert.deepEqual(await handoff.locator('button').allInnerTexts(), ['Resume', 'Delete run…'], 'nothing to edit and no model to pick');
    assert.equal(await view.locator('select#retry-model').count(), 0);
    const m = await panelMetrics(view);
    assert.ok(m.scrollWidth <= m.clientWidth, `no horizontal scroll at ${SIDEBAR_WIDTH} px: ${JSON.stringify(m)}`);
    await shootSidebar(page, 'light-setup-stop');
    const contrast = await contrastReport(view);
    assert.deepEqual(contrast.failures, [], `every text reaches WCAG AA contrast, the code spans too (${contrast.checked} checked)`);
    assert.equal(repo.git('status', '--porcelain', '--', 'src', 'test').trim(), '', 'the checkout is untouched');

    // The person fixes the command (the repository's own `npm test`) and resumes.
    config({});
    await page.waitForTimeout(1_500);
    await handoff.locator('button[data-key="resume"]').click();
    await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 180_000 });
    assert.ok(calls() > before, 'the models ran once the tests could judge');
    await toast.locator('.codicon-notifications-clear, .action-label[aria-label^="Clear"]').first().click().catch(() => page.keyboard.press('Escape'));
  });

  test('a ticket costing over twice the median of the last tickets of its kind raises a warning notification that opens the pipeline', async () => {
    const { page } = wb;
    // The user's history, as earlier runs wrote it to their spend store: ten small feature tickets elsewhere.
    const store = new SpendStore(stateDir);
    for (let i = 0; i < 10; i++) await store.append({ t: 'ticket', at: new Date(Date.now() - (i + 1) * 60_000).toISOString(), usd: 0.001, ticketId: `earlier-${i}`, kind: 'feature', repo: '/home/someone/other-repo' });
    // This one's discovery runs on Sonnet: one call costs several times those tickets.
    config({ chains: { discovery: ['sonnet'] } });
    await page.waitForTimeout(1_500); // the file watcher marks the engine stale
    await runTicketFromPalette(page, 'Subtract, costly', 'Add subtract(a, b) to src/calculator.js, exported next to add.');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'over 2× the median' });
    await toast.waitFor({ timeout: 120_000 });
    assert.match((await toast.innerText()).replace(/\s+/g, ' '), /ticket subtract-costly has cost \$0\.\d{4}, over 2× the median \(\$0\.0010\) of your last 1\d feature tickets/);
    await shootSidebar(page, 'light-cost-warning', { fullPage: true });
    // Away from the panel first, so the button has something to do.
    await runFromPalette(page, 'View: Show Explorer');
    await page.locator('.part.sidebar .composite.title', { hasText: 'Explorer' }).waitFor({ timeout: 10_000 });
    await toast.locator('.monaco-button', { hasText: 'Show Pipeline' }).click();
    await page.locator('.activitybar .action-item.checked a[aria-label^="Shipwright"]').waitFor({ timeout: 20_000 });
    await view.locator('[data-testid="ticket-state"]').waitFor({ timeout: 20_000 });
    await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 180_000 });
    config({});
  });

  test('the Settings editor lists Shipwright\'s settings in the order people change them, each showing its default', async () => {
    const { page } = wb;
    await runFromPalette(page, 'Preferences: Open Settings (UI)');
    const search = page.locator('.settings-editor .suggest-input-container textarea').first();
    await search.waitFor({ timeout: 20_000 });
    const rows = page.locator('.settings-editor .settings-body .setting-item-contents');
    const row = (label: string) => rows.filter({ has: page.locator('.setting-item-label', { hasText: new RegExp(`^${label}$`) }) });
    /** Searches, waits until `label`'s row is shown, and returns the shown rows' names, top to bottom. */
    const find = async (query: string, label: string): Promise<string[]> => {
      await search.fill(query);
      await row(label).waitFor({ timeout: 20_000 });
      return rows.evaluateAll((els) => els.map((e) => `${e.querySelector('.setting-item-category')?.textContent ?? ''}${e.querySelector('.setting-item-label')?.textContent ?? ''}`));
    };

    const first = await find('@ext:shipwright.shipwright', 'Test Command');
    // 14 of 15 on the User tab: the OTLP endpoint is machine-scoped, shown under Remote in code-server.
    assert.match(await page.locator('.settings-editor .settings-count-widget').innerText(), /14 Settings Found/);
    assert.deepEqual(first.slice(0, 4), ['Shipwright: Ollama Host', 'Shipwright: Budget Usd', 'Shipwright: Chains', 'Shipwright: Test Command']);
    assert.equal(await row('Budget Usd').locator('input').inputValue(), '5', 'the budget shows its default');
    assert.match(await row('Budget Usd').innerText(), /default \$5/);
    assert.match((await row('Chains').innerText()).replace(/\s+/g, ' '), /Default: local-large → sonnet for discovery.*opus → sonnet → local-large for techSpec and planning; local-small → haiku for validation/);
    await shootSidebar(page, 'light-settings', { fullPage: true });

    // The settings that were only in the config file, with their defaults.
    assert.deepEqual(await find('@ext:shipwright.shipwright worktree', 'Merge Deliverables'), ['Shipwright › Worktree: Dependencies', 'Shipwright › Worktree: Merge Deliverables']);
    assert.equal(await row('Dependencies').locator('select').inputValue(), 'auto');
    assert.equal(await row('Merge Deliverables').locator('[role="checkbox"]').getAttribute('aria-checked'), 'false');
    await find('@ext:shipwright.shipwright code context', 'Code Context Tokens');
    assert.equal(await row('Code Context Tokens').locator('input').inputValue(), '3000');
    // Which deliverables a validator model reads: the plan by its checks alone, reviews only when they ask for changes.
    // (Chains' description says "validation" too, so it is listed after them.)
    assert.deepEqual((await find('@ext:shipwright.shipwright model validation', 'Review')).slice(0, 2), ['Shipwright › Model Validation: Planning', 'Shipwright › Model Validation: Review']);
    assert.equal(await row('Planning').locator('select').inputValue(), 'never');
    assert.equal(await row('Review').locator('select').inputValue(), 'on-request-changes');
    await runFromPalette(page, 'View: Close Editor');
  });
});
