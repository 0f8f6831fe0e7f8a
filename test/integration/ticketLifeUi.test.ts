import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { startFakeOllama } from '../fakes/fakeOllamaServer';
import type { FakeModelServer, FakeReply, FakeRequest } from '../fakes/fakeScript';
import { scriptedModel, validatedPhaseOf } from '../fakes/scriptedModel';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';
import { runFromPalette, runTicketFromPalette } from './palette';
import { openPanel, panelMetrics, recordMetrics, setSidebarWidth, showsTheme, shootSidebar, SIDEBAR_WIDTH, THEMES } from './sidebar';
import { commitShipwrightConfig, LOCAL_CHAIN_SETTINGS } from './localChains';
import { extensionPath, openWorkbench, type Workbench } from './workbench';


/** Six objections of 250–400 characters, as a validator that keeps objecting writes them. */
const OBJECTIONS = Array.from({ length: 6 }, (_, i) => ({
  message: `Objection ${i + 1}: the functional specification does not say what divide(a, b) must do when b is zero, whether it throws a RangeError or returns Infinity, ` +
    `nor what the message of the error is, nor how callers that already rely on Infinity are told; acceptance criterion ${i + 1} cannot be checked by a test as written. `.repeat(i % 2 ? 2 : 1).trim(),
  where: `acceptanceCriteria[${i}]`,
}));

/** 39 helper modules, written by the implementation next to the calculator's change: a 40-file ticket. */
const HELPERS = Array.from({ length: 39 }, (_, i) => ({ kind: 'write', path: `src/conversions/units/length-and-area-helper-${String(i + 1).padStart(2, '0')}.js`, content: `'use strict';\nmodule.exports = { factor: ${i + 1} };\n` }));

for (const theme of ['light', 'dark'] as const) {
  suite(`a ticket's life in the panel, ${theme} theme, side bar ${SIDEBAR_WIDTH} px`, function () {
    this.timeout(300_000);
    let repo: FixtureRepo;
    let ollama: FakeModelServer;
    let anthropic: FakeModelServer;
    let wb: Workbench;
    let view: FrameLocator;
    /** Answers a model call before the scripted calculator model does (undefined: let it answer). */
    let override: ((req: FakeRequest) => FakeReply | undefined) | undefined;
    const shot = (name: string): Promise<string> => shootSidebar(wb.page, `${theme}-${name}`);
    /** The README's image sequence: the whole window, the side bar at its default width. */
    const frame = (name: string): Promise<string> => shootSidebar(wb.page, `sequence-${theme}-${name}`, { fullPage: true });
    const state = (): Promise<string> => view.locator('[data-testid="ticket-state"]').innerText();
    const config = (extra: Record<string, unknown>): void => {
      writeFileSync(join(repo.dir, '.shipwright', 'config.json'), JSON.stringify({ ollamaHost: ollama.url, anthropicBaseUrl: anthropic.url, testCommand: 'npm test', testTimeoutMs: 60_000, callTimeoutMs: 30_000, ...extra }, null, 2));
    };

    suiteSetup(async () => {
      repo = makeFixtureRepo('calculator');
      const model = scriptedModel((req) => override?.(req));
      ollama = await startFakeOllama({ respond: model.responder });
      anthropic = await startFakeAnthropic({ respond: model.responder });
      mkdirSync(join(repo.dir, '.shipwright'));
      config({});
      commitShipwrightConfig(repo);
      wb = await openWorkbench({
        workspace: repo.dir,
        settings: {
          'workbench.colorTheme': THEMES[theme],
          ...LOCAL_CHAIN_SETTINGS,
        },
        env: { ANTHROPIC_API_KEY: 'test-key' },
        viewport: { width: 1280, height: 1000 },
        payload: [['extensionDevelopmentPath', extensionPath]],
      });
      await wb.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: wb.server.url.replace(/\/$/, '') });
      view = await openPanel(wb.page);
      assert.ok(Math.abs((await setSidebarWidth(wb.page)) - SIDEBAR_WIDTH) <= 2, 'the side bar is at its default width');
      assert.ok(await showsTheme(wb.page, theme), `the workbench shows ${THEMES[theme]}`);
    });

    teardown(async function () {
      override = undefined;
      if (this.currentTest?.state === 'failed' && wb) await wb.page.screenshot({ path: join('test-results', `${theme}-failed-${(this.currentTest.title.slice(0, 30)).replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => undefined);
    });

    suiteTeardown(async () => {
      await wb?.close();
      await Promise.all([ollama?.close(), anthropic?.close()]);
      repo?.cleanup();
    });

    test('a running ticket shows its phase, model, a clock and a busy mark, and the status bar says it works; Cancel, then Resume; then the review from the first file to the merge by keyboard only', async () => {
      const { page } = wb;
      // Discovery's model writes slowly (a 24-character piece every 100 ms, minutes of text) until it is cancelled.
      override = (req) => (req.schemaName === 'FunctionalSpec' ? { text: `{"summary": "${'multiply(a, b) returns the product of a and b. '.repeat(2_000)}`, paceMs: 100 } : undefined);
      await runTicketFromPalette(page, 'Add multiply to the calculator', 'Add multiply(a, b) in src/multiply.js, exported; multiply(6, 7) is 42.', () => frame('1-write-ticket'));
      const running = view.locator('[data-testid="running-model"]');
      await running.waitFor({ timeout: 60_000 });
      assert.match(await running.innerText(), /attempt 1 on local-large \(qwen3-coder:30b\)/);
      assert.equal(await view.locator('li.phase[data-phase="discovery"] .dot.spinner').count(), 1, 'a busy mark on the running phase');
      const before = await view.locator('.clock').innerText();
      await page.waitForTimeout(2_200);
      assert.notEqual(await view.locator('.clock').innerText(), before, 'the clock counts');
      // The streamed answer shows as a growing token count under the model line.
      const streamed = view.locator('[data-testid="streamed"]');
      await streamed.waitFor({ timeout: 20_000 });
      const tokens = async (): Promise<number> => {
        const m = /writing… ~([\d,]+) tokens/.exec(await streamed.innerText());
        assert.ok(m, `a token count: ${await streamed.innerText()}`);
        return Number(m[1].replace(/,/g, ''));
      };
      const first = await tokens();
      await page.waitForTimeout(1_500);
      const later = await tokens();
      assert.ok(later > first, `the count grows (${first} → ${later})`);
      assert.match(await streamed.innerText(), /· \d+ tok\/s$/);
      await page.locator('.part.statusbar .statusbar-item', { hasText: 'discovery 1/5' }).waitFor({ timeout: 10_000 });
      assert.match(await state(), /running · discovery \(1 of 5\)/);
      await frame('2-running');

      await view.locator('button[data-key="cancel"]').click();
      await view.locator('[data-testid="ticket-state"]', { hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
      override = undefined;
      await view.locator('[data-testid="stopped"] button[data-key="resume"]').click();
      await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 120_000 });
      await frame('3-ready');

      // Keyboard only from here: the palette, the ticket picker, the diff editor's keybindings, the merge dialog.
      await runFromPalette(page, 'Shipwright: Review Ticket…', 6, 'keyboard');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'add-multiply-to-the-calculator' }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      const where = page.locator('.part.statusbar .statusbar-item', { hasText: 'of 2' });
      await where.filter({ hasText: 'File 1 of 2 · 0 reviewed' }).waitFor({ timeout: 20_000 });
      await page.locator('.statusbar-item', { hasText: 'Approve' }).waitFor();
      await frame('4-review');
      await page.keyboard.press('Control+Shift+Enter');
      await where.filter({ hasText: 'File 2 of 2 · 1 reviewed' }).waitFor({ timeout: 20_000 });
      await page.keyboard.press('Control+Shift+Enter');
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 20_000 });
      assert.match((await dialog.innerText()).replace(/\s+/g, ' '), /Merge 2 files of "Add multiply to the calculator" into main\?/);
      await frame('5-confirm-merge');
      await page.keyboard.press('Enter');
      await view.locator('[data-testid="ticket-state"]', { hasText: 'done' }).waitFor({ timeout: 60_000 });
      assert.ok(existsSync(join(repo.dir, 'src', 'multiply.js')), 'the approved file is in the checkout');
      assert.equal(existsSync(join(repo.dir, '.shipwright', 'add-multiply-to-the-calculator')), false, 'the pipeline notes were not merged');
      await frame('6-merged');
      const undo = page.locator('.notifications-toasts .notification-toast', { hasText: 'merged 2 file(s) into main' });
      await undo.waitFor({ timeout: 20_000 });
      await undo.locator('.monaco-button', { hasText: 'Undo Merge' }).click();
      await page.locator('.notifications-toasts .notification-toast', { hasText: 'was undone' }).waitFor({ timeout: 20_000 });
      assert.equal(existsSync(join(repo.dir, 'src', 'multiply.js')), false, 'Undo Merge took the change back out');
      assert.match(repo.git('log', '-1', '--format=%s'), /^Revert "Merge shipwright\//);
    });

    test('a needs-human ticket with six long objections over four attempts stays short and readable; Retry preselects the escalation target; an incomplete edit is explained in words; Delete removes the run, worktree and branch', async () => {
      const { page } = wb;
      override = (req) => (req.schemaName === 'Verdict' && validatedPhaseOf(req) === 'discovery' ? { json: { pass: false, objections: OBJECTIONS } } : undefined);
      await runTicketFromPalette(page, 'Divide by zero throws', 'divide(1, 0) must throw a RangeError.');
      const handoff = view.locator('[data-testid="handoff"]');
      await handoff.waitFor({ timeout: 120_000 });
      override = undefined;
      const m = await panelMetrics(view);
      recordMetrics(`${theme}-needs-human`, m);
      await shot('needs-human');
      assert.ok(m.scrollWidth <= m.clientWidth, `no horizontal scroll: ${JSON.stringify(m)}`);
      assert.ok(m.scrollHeight < 2_400, `the panel stays short: ${m.scrollHeight} px (was 6,568 px before)`);
      const text = await view.locator('body').innerText();
      assert.equal(text.split('Objection 3: the functional').length - 1, 1, 'each objection is shown once');
      assert.match(await handoff.locator('h3').innerText(), /Needs you at discovery: 6 open objections after \d+ attempts/);
      assert.equal(await view.locator('select#retry-model').inputValue(), 'sonnet', 'the escalation target is preselected, not the weakest model');
      assert.match(await view.locator('select#retry-model option[value="sonnet"]').innerText(), /claude-sonnet-5-5 · anthropic \$2\.00\/\$10\.00 per M tokens/);

      await view.locator('button[data-key="edit"]').click();
      const editor = page.locator('.monaco-editor', { hasText: '$schema' }).first();
      await editor.waitFor({ timeout: 20_000 });
      await editor.click(); // the keyboard goes to the edit file, not the panel
      // The person empties the acceptance criteria and asks to continue.
      // Pasted, as a person would (typed braces and quotes are auto-closed by the editor).
      await page.evaluate((t) => navigator.clipboard.writeText(t), '{"summary": "divide throws on zero", "userStories": [], "acceptanceCriteria": [], "outOfScope": [], "openQuestions": []}');
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Control+V');
      await view.locator('button[data-key="continue"]').click();
      const notice = view.locator('.notice.error');
      await notice.waitFor({ timeout: 20_000 });
      const said = await notice.innerText();
      assert.match(said, /acceptanceCriteria: add at least 1/);
      assert.doesNotMatch(said, /"code"|too_small|"origin"/, 'no raw schema dump');
      await page.locator('.squiggly-error').first().waitFor({ timeout: 20_000 });
      await shot('edit-problems');

      await view.locator('button[data-key="delete"]').click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 20_000 });
      assert.match(await dialog.innerText(), /Removes its worktree/);
      await dialog.locator('.monaco-button', { hasText: 'Delete' }).click();
      await view.locator('button[data-key="ticket:divide-by-zero-throws"]').waitFor({ state: 'detached', timeout: 30_000 });
      assert.equal(repo.git('branch', '--list', 'shipwright/divide-by-zero-throws*').trim(), '', 'the branch is gone');
      assert.equal(existsSync(join(repo.tmp, '.shipwright-worktrees', 'calculator', 'divide-by-zero-throws')), false, 'the worktree is gone');
    });

    test('a 40-file ticket stays readable at the default width: no horizontal scroll, file names whole, the list folded after ten', async () => {
      const { page } = wb;
      override = (req) => (req.schemaName === 'FileEdits' && !/test-writing step/i.test(req.system) && req.messages.some((x) => x.content.includes('subtract'))
        ? { json: { explanation: 'subtract and the conversion helpers', edits: [{ kind: 'replace', path: 'src/calculator.js', search: 'module.exports = { add', replace: 'function subtract(a, b) {\n  return a - b;\n}\n\nmodule.exports = { subtract, add' }, ...HELPERS], needFiles: [] } }
        : undefined);
      await runTicketFromPalette(page, 'Add subtract and the unit conversion helpers', 'Add subtract(a, b) to src/calculator.js and the length and area helpers.');
      await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 180_000 });
      override = undefined;
      await view.locator('h3', { hasText: 'Changed files (41)' }).waitFor({ timeout: 30_000 });
      const m = await panelMetrics(view);
      const rows = await view.locator('ul[data-list="files"] li.file').count();
      // A long name elides in its middle: its end (number and extension) must stay in view.
      const names = await view.locator('ul[data-list="files"] .path .name').evaluateAll((els) => els.filter((e) => {
        const tail = e.querySelector('.tail') ?? e;
        return tail.getBoundingClientRect().right > e.getBoundingClientRect().right + 0.5 || (tail === e && e.scrollWidth > e.clientWidth + 1);
      }).length);
      recordMetrics(`${theme}-40-files`, { ...m, rows, truncatedNames: names });
      await shot('40-files');
      assert.ok(m.scrollWidth <= m.clientWidth, `no horizontal scroll: ${JSON.stringify(m)}`);
      assert.ok(m.scrollHeight < 2_400, `the panel stays short: ${m.scrollHeight} px (was 9,582 px before)`);
      assert.equal(rows, 10, 'ten files shown, the rest behind "Show all"');
      assert.equal(names, 0, 'every file name keeps its end in view (the folder elides first, then the middle of the name)');
      assert.equal(await view.locator('button[data-key="show-all-files"]').innerText(), 'Show all 41 files');
      assert.equal(await view.locator('.path[title="src/conversions/units/length-and-area-helper-01.js"]').count(), 1, 'the full path on hover');
    });

    test('a ticket no model could answer offers Retry on a chosen model; a budget-exceeded one offers to raise the budget and resume; both reach ready', async () => {
      const { page } = wb;
      override = (req) => (req.schemaName === 'FunctionalSpec' ? { status: 400, message: 'the scripted model refuses this spec' } : undefined);
      await runTicketFromPalette(page, 'Subtract, on a second try', 'Add subtract(a, b) to src/calculator.js, exported next to add.');
      // The engine stops such a ticket for a person (needs-human) or as failed: both offer a retry on a chosen model.
      await view.locator('[data-testid="ticket-state"]').filter({ hasText: /needs you|failed/ }).waitFor({ timeout: 120_000 });
      await shot('no-model-answered');
      assert.doesNotMatch(await view.locator('section.detail').innerText(), /0 open objections after 0 attempts/);
      override = undefined;
      await view.locator('button[data-key="retry"]').click();
      await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 180_000 });

      config({ budgetUsd: 0.00001 });
      await page.waitForTimeout(1_500); // the file watcher marks the engine stale
      await runTicketFromPalette(page, 'Subtract with a tiny budget', 'Add subtract(a, b) to src/calculator.js, exported next to add.');
      await view.locator('[data-testid="ticket-state"]', { hasText: 'budget exceeded' }).waitFor({ timeout: 120_000 });
      config({});
      await shot('budget-exceeded');
      const raise = view.locator('button[data-key="raise-budget"]');
      assert.equal(await raise.innerText(), 'Raise to $1.00 and resume');
      await raise.click();
      await view.locator('[data-testid="ticket-state"]', { hasText: 'ready for review' }).waitFor({ timeout: 180_000 });
      assert.match(await view.locator('.budget').innerText(), /of \$1\.00/);
      await runFromPalette(page, 'Shipwright: Check Models'); // the palette still answers after all this
    });
  });
}
