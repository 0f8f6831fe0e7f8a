import * as assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './codeServer';
import { makeFixtureRepo, type FixtureRepo } from '../fixtures/fixtureRepo';
import { runFromPalette } from './palette';
import { openWorkbench, type Workbench } from './workbench';

/** The package `npm run package` builds (scripts/run-integration.mjs builds it before the UI tests). */
const vsix = join(repoRoot, 'shipwright.vsix');

suite('the packaged extension (.vsix) in code-server', function () {
  this.timeout(120_000);
  let repo: FixtureRepo;
  let wb: Workbench | undefined;

  suiteSetup(function () {
    if (!existsSync(vsix)) this.skip(); // run `npm run package` first
  });

  teardown(async () => {
    await wb?.close();
    repo?.cleanup();
  });

  test('installs, shows its activity-bar item, and its panel and palette commands work', async () => {
    repo = makeFixtureRepo('calculator');
    wb = await openWorkbench({ workspace: repo.dir, installVsix: vsix });
    const { page } = wb;
    const item = page.locator('.activitybar .action-item a[aria-label^="Shipwright"]');
    await item.waitFor({ state: 'visible', timeout: 60_000 });
    await item.click();
    const view = page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
    await view.locator('button[data-key="run"]').waitFor({ state: 'visible', timeout: 60_000 });
    await runFromPalette(page, 'Shipwright: Open Run Log');
    await page.locator('.part.panel .monaco-editor', { hasText: 'activated in' }).first().waitFor({ timeout: 20_000 });
    const log = (await page.locator('.part.panel .monaco-editor').first().innerText()).replace(/\s+/g, ' ');
    const m = /activated in ([\d.]+) ms/.exec(log);
    assert.ok(m, `the run log names the activation time: ${log.slice(0, 300)}`);
    console.log(`    vsix ${(statSync(vsix).size / 1024 / 1024).toFixed(2)} MB; activate() took ${m[1]} ms (from the run log)`);
  });
});
