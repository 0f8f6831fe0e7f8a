import type { Page } from 'playwright-core';

/**
 * Runs a command from the palette (F1) by its label ("Shipwright: Run Ticket…"). The palette computes its list
 * once when opened, so under load it can open before the extension registered its commands: when the label is
 * not listed within a few seconds, Escape and try again (testing-with-real-parts.md, section 2).
 * @throws Error when the command is still not listed after `tries` attempts
 */
export async function runFromPalette(page: Page, label: string, tries = 6): Promise<void> {
  const input = page.locator('.quick-input-widget input.input');
  for (let i = 0; i < tries; i++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${label}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 4_000 });
      // The row itself, not Enter: Enter runs the best fuzzy match, which may be another command.
      await row.click();
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

/** Runs a feature ticket from the palette: Run Ticket…, then its questions answered in order. */
export async function runTicketFromPalette(page: Page, title: string, description: string): Promise<void> {
  await runFromPalette(page, 'Shipwright: Run Ticket…');
  await answerQuickInput(page, '(1/3)', 'feature');
  await answerQuickInput(page, '(2/3)', title);
  await answerQuickInput(page, '(3/3)', description);
}
