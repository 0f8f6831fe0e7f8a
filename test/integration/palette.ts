import type { Page } from 'playwright-core';

/**
 * Runs a command from the palette (F1) by its label ("Shipwright: Run Ticket…"). The palette computes its list
 * once when opened, so under load it can open before the extension registered its commands: when the label is
 * not listed within a few seconds, Escape and try again (testing-with-real-parts.md, section 2). `by: 'keyboard'`
 * presses Enter on the highlighted row instead of clicking it (for keyboard-only flows).
 * @throws Error when the command is still not listed after `tries` attempts
 */
export async function runFromPalette(page: Page, label: string, tries = 6, by: 'mouse' | 'keyboard' = 'mouse'): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  for (let i = 0; i < tries; i++) {
    await page.keyboard.press('F1');
    // Typed only once the input shows: under load keys pressed before it opens go to whatever had focus.
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${label}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    const focused = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label });
    try {
      await row.waitFor({ state: 'visible', timeout: 4_000 });
      if (by === 'mouse') {
        // The row itself, not Enter: Enter runs the best fuzzy match, which may be another command.
        await row.click();
        return;
      }
      // By keyboard: Enter, once the highlighted row is the command asked for.
      await focused.waitFor({ state: 'visible', timeout: 4_000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`"${label}" never showed in the command palette`);
}

/**
 * Answers the quick input whose title contains `title` (a quick pick: typing filters the list and Enter picks
 * the first item; an input box: Enter accepts). Waiting for the title matters: one widget serves every step,
 * so typing before the next step shows would answer the previous one.
 */
export async function answerQuickInput(page: Page, title: string, text: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 20_000 });
  const input = page.locator('.quick-input-widget input.input');
  await input.fill(text);
  if (await page.locator('.quick-input-widget .quick-input-list').isVisible()) {
    await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
  }
  await page.keyboard.press('Enter');
}

/**
 * Runs a feature ticket as a person does: Run Ticket… from the palette, the title, the kind; then the ticket
 * opens as a markdown document where the description is typed; Ctrl+Enter runs it. `beforeRun` is called with
 * the description written (e.g. for a screenshot).
 */
export async function runTicketFromPalette(page: Page, title: string, description: string, beforeRun?: () => Promise<unknown>): Promise<void> {
  await runFromPalette(page, 'Shipwright: Run Ticket…');
  await answerQuickInput(page, '(1/2)', title);
  await answerQuickInput(page, '(2/2)', 'feature');
  const tab = page.locator('.tabs-container .tab.active', { hasText: 'Untitled' });
  await tab.waitFor({ timeout: 20_000 });
  // The cursor is put on the empty line under the hint: type only once it is there.
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'Ln 6, Col 1' }).waitFor({ timeout: 20_000 });
  await page.keyboard.insertText(description);
  await beforeRun?.();
  await page.keyboard.press('Control+Enter');
  await tab.waitFor({ state: 'detached', timeout: 20_000 });
}
