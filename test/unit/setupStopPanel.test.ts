import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../fixtures/fixtureRepo';
import { launchChromium, webviewScript } from '../fixtures/webviewInChromium';

/**
 * The panel's way on after a set-up stop (the tests cannot judge the ticket), rendered by the real
 * webview-ui/renderStopped.ts in headless Chromium at the side bar's default width.
 */
suite('the panel after a set-up stop, rendered in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  suiteSetup(async () => {
    browser = await launchChromium();
  });
  suiteTeardown(async () => browser?.close());

  test('shows the advice and what the test run printed, and offers Resume and Delete only (no model to pick, nothing to edit)', async () => {
    const page = await browser!.newPage({ viewport: { width: 290, height: 600 } });
    await page.setContent(`<html><head><style>${readFileSync(join(projectRoot(), 'media', 'panel.css'), 'utf8')}</style></head><body><main id="root"></main></body></html>`);
    await page.addScriptTag({ content: await webviewScript('./webview-ui/renderStopped', 'renderStopped') });
    const advice = 'the tests cannot run in the worktree before any change: npm tried to download `ava` to run it (npm error EAI_AGAIN; `npx ava` exited 1 in 0.4 s), and tests run without network: the test runner is not installed where the tests run';
    const output = 'npm error code EAI_AGAIN\nnpm error request to https://registry.npmjs.org/ava failed, reason: getaddrinfo EAI_AGAIN registry.npmjs.org';
    const posted = await page.evaluate(({ advice, output }) => {
      const w = window as unknown as { renderStopped: (t: object, models: object[], post: (m: object) => void) => HTMLElement | undefined };
      const sent: object[] = [];
      const t = {
        id: 'vary-npx', state: 'needs-human', totalUsd: 0, budgetUsd: 5,
        handoff: { phase: 'implementation', kind: 'setup', attempts: 0, text: `Stopped before any model was called: ${advice}.`, openObjections: [{ source: 'tests', message: `${advice}\n\n${output}` }] },
      };
      const el = w.renderStopped(t, [{ key: 'local-large', provider: 'ollama', model: 'qwen3-coder:30b' }], (m) => sent.push(m));
      document.getElementById('root')!.append(el!);
      (document.querySelector('button[data-key="resume"]') as HTMLButtonElement).click();
      return sent;
    }, { advice, output });

    assert.equal(await page.getByRole('heading', { name: 'Needs you: the tests cannot judge this ticket yet' }).count(), 1);
    const reason = page.locator('[data-testid="handoff"] p.reason');
    assert.equal((await reason.innerText()).trim(), `T${advice.slice(1)}`.replace(/`/g, ''));
    // The runner and the command read as code, not as words between backticks.
    assert.deepEqual(await reason.locator('code').allInnerTexts(), ['ava', 'npx ava']);
    const printed = page.getByLabel('What the test run printed');
    assert.equal(await printed.innerText(), output);
    // At 290 px the output wraps inside the panel instead of widening it.
    assert.ok(await printed.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), 'the output overflows sideways');
    assert.deepEqual(await page.locator('[data-testid="handoff"] button').allInnerTexts(), ['Resume', 'Delete run…']);
    assert.equal(await page.locator('select#retry-model').count(), 0, 'no model picker');
    assert.deepEqual(posted, [{ type: 'resume', ticketId: 'vary-npx' }]);
    await page.close();
  });
});
