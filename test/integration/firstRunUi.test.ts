import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startFakeOllama } from '../fakes/fakeOllamaServer';
import type { FakeModelServer } from '../fakes/fakeScript';
import { scriptedModel } from '../fakes/scriptedModel';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';
import { contrastReport } from './contrast';
import { answerQuickInput, runFromPalette, runTicketFromPalette } from './palette';
import { openPanel, panelMetrics, recordMetrics, setSidebarWidth, showsTheme, shootSidebar, SIDEBAR_WIDTH, THEMES } from './sidebar';
import { extensionPath, openWorkbench, type Workbench } from './workbench';

/** A port on 127.0.0.1 where nothing listens (bound by the OS, then closed). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const address = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

// Light and dark, and high contrast for the contrast check of the panel in the three themes.
for (const theme of ['light', 'dark', 'hc'] as const) {
  suite(`first run, ${theme} theme, side bar ${SIDEBAR_WIDTH} px: a new user with no model is led to a working set-up`, function () {
    this.timeout(240_000);
    let repo: FixtureRepo;
    let ollama: FakeModelServer | undefined;
    let wb: Workbench;
    let deadHost: string;

    suiteSetup(async () => {
      repo = makeFixtureRepo('calculator');
      deadHost = `http://127.0.0.1:${await closedPort()}`;
      wb = await openWorkbench({
        workspace: repo.dir,
        settings: { 'workbench.colorTheme': THEMES[theme] },
        // A new user: no key anywhere, and Ollama (as the environment names it) not running.
        env: { ANTHROPIC_API_KEY: '', OLLAMA_HOST: deadHost },
        viewport: { width: 1280, height: 900 },
        payload: [['extensionDevelopmentPath', extensionPath]],
      });
      await wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.server.url.replace(/\/$/, '') });
      await openPanel(wb.page);
      assert.ok(Math.abs((await setSidebarWidth(wb.page)) - SIDEBAR_WIDTH) <= 2, 'the side bar is at its default width');
      assert.ok(await showsTheme(wb.page, theme), `the workbench shows ${THEMES[theme]}`);
    });

    suiteTeardown(async () => {
      await wb?.close();
      await ollama?.close();
      repo?.cleanup();
    });

    test('the empty panel says which models would run and that none can; Run Ticket creates nothing and offers the fixes', async () => {
      const { page } = wb;
      const view = await openPanel(page);
      const setup = view.locator('[data-testid="setup"][data-ready="false"]');
      await setup.waitFor({ timeout: 30_000 });
      const text = (await setup.innerText()).replace(/\s+/g, ' ');
      assert.match(text, new RegExp(`Ollama is not answering at ${deadHost.replace(/[.:/]/g, '\\$&')}: nothing is listening there`));
      assert.match(text, /No Anthropic API key/);
      assert.equal(await view.locator('.phase-models li[data-role="discovery"]').innerText().then((t) => t.replace(/\s+/g, ' ')), 'discovery ✕ nothing can run');
      const body = await view.locator('body').innerText();
      assert.doesNotMatch(body, /ECONNREFUSED|fetch failed|key in settings/, 'no raw error codes, no pointer to a setting that does not exist');
      const m = await panelMetrics(view);
      assert.ok(m.scrollWidth <= m.clientWidth, `no horizontal scroll at ${SIDEBAR_WIDTH} px: ${JSON.stringify(m)}`);
      const contrast = await contrastReport(view);
      recordMetrics(`first-run-${theme}-no-model`, { ...m, contrast: { checked: contrast.checked, lowest: contrast.lowest } });
      await shootSidebar(page, `first-run-${theme}-1-no-model`);
      assert.deepEqual(contrast.failures, [], `every text reaches WCAG AA contrast in ${THEMES[theme]}`);

      await runTicketFromPalette(page, 'Add subtract to the calculator', 'Add subtract(a, b) to src/calculator.js, exported next to add.');
      const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Nothing was started' });
      await toast.waitFor({ timeout: 30_000 });
      const toastText = (await toast.innerText()).replace(/\s+/g, ' ');
      assert.match(toastText, /No model can run discovery/);
      for (const action of ['Set Ollama Host…', 'Set Anthropic API Key…', 'Use Another Model…']) assert.ok(toastText.includes(action), `the toast offers ${action}`);
      assert.doesNotMatch(toastText, /ECONNREFUSED/);
      assert.equal(repo.git('branch', '--list', 'shipwright/*').trim(), '', 'no branch was created');
      assert.equal(existsSync(join(repo.dir, '.git', 'shipwright', 'runs')), false, 'no run was written');
      assert.equal(repo.git('worktree', 'list').trim().split('\n').length, 1, 'no worktree was added');
      assert.equal(existsSync(join(repo.tmp, '.shipwright-worktrees', 'calculator', 'add-subtract-to-the-calculator')), false, 'no worktree folder was made');
      await toast.locator('.codicon-notifications-clear, .action-label[aria-label^="Clear"]').first().click().catch(() => page.keyboard.press('Escape'));
    });

    test('Set Ollama host in the panel finds the server and the model it lacks; the pull command is copied; another model fills the gap; the ticket then runs', async () => {
      const { page } = wb;
      const view = await openPanel(page);
      // The person starts Ollama somewhere else, with only the small model pulled.
      ollama = await startFakeOllama({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32_768 }], respond: scriptedModel().responder });
      await view.locator('button[data-key="set-ollama-host"]').click();
      await answerQuickInput(page, 'Ollama host', ollama.url);
      const setup = view.locator('[data-testid="setup"]');
      await setup.filter({ hasText: `Ollama answers at ${ollama.url}` }).waitFor({ timeout: 30_000 });
      assert.match((await setup.innerText()).replace(/\s+/g, ' '), /qwen3-coder:30b is not pulled/);
      await shootSidebar(page, `first-run-${theme}-2-model-missing`);

      await view.locator('button[data-key="copy-pull:qwen3-coder:30b"]').click();
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'copied "ollama pull qwen3-coder:30b"' }).waitFor({ timeout: 20_000 });
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'ollama pull qwen3-coder:30b');

      await view.locator('button[data-key="pick-model"]').click();
      const pick = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'local-small' }).first();
      await pick.waitFor({ timeout: 20_000 });
      assert.match((await pick.innerText()).replace(/\s+/g, ' '), /qwen2\.5-coder:7b · local, free/, 'the model is shown by name, provider and price');
      await pick.click();
      await view.locator('[data-testid="setup"][data-ready="true"]').waitFor({ timeout: 30_000 });
      assert.match(await view.locator('.phase-models li[data-role="discovery"]').innerText(), /local-small · local/);
      await shootSidebar(page, `first-run-${theme}-3-ready`);

      await runTicketFromPalette(page, 'Add subtract to the calculator', 'Add subtract(a, b) to src/calculator.js, exported next to add.');
      await view.locator('[data-testid="ticket-state"]', { hasText: 'ready' }).waitFor({ timeout: 180_000 });
      const phases = await view.locator('li.phase').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-phase')}:${e.getAttribute('data-status')}`));
      assert.deepEqual(phases, ['discovery:done', 'techSpec:done', 'planning:done', 'implementation:done', 'review:done']);
      await shootSidebar(page, `first-run-${theme}-4-ticket-ready`);
      const contrast = await contrastReport(view);
      const m = await panelMetrics(view);
      recordMetrics(`first-run-${theme}-ticket-ready`, { ...m, contrast: { checked: contrast.checked, lowest: contrast.lowest } });
      assert.ok(m.scrollWidth <= m.clientWidth, `no horizontal scroll: ${JSON.stringify(m)}`);
      assert.deepEqual(contrast.failures, [], `every text reaches WCAG AA contrast in ${THEMES[theme]}`);
    });
  });
}
