import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { repoRoot } from './codeServer';

/** The width a person's sidebar has by default (VS Code's side bar opens at about 290 CSS px). */
export const SIDEBAR_WIDTH = 290;

/** The themes the UI tests run in, by `workbench.colorTheme` name. */
export const THEMES = { light: 'Default Light Modern', dark: 'Default Dark Modern', hc: 'Default High Contrast' } as const;

/** The workbench class of each theme's base: `vs` (light), `vs-dark`, `hc-black`. */
const THEME_CLASS = { light: 'vs', dark: 'vs-dark', hc: 'hc-black' } as const;

/**
 * Whether the workbench shows the theme a test set: code-server falls back to Light+ without a word when it cannot
 * find the theme (as when its built-in extensions sit inside the extension under development), and every
 * screenshot and contrast figure would then be of the wrong theme.
 */
export async function showsTheme(page: Page, theme: keyof typeof THEMES): Promise<boolean> {
  const cls = await page.locator('.monaco-workbench').getAttribute('class');
  return (cls ?? '').split(/\s+/).includes(THEME_CLASS[theme]);
}

/** The pipeline panel's document: the webview is two nested iframes. */
export function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
}

/** Shows the Shipwright view (from its activity-bar item unless it is shown) and waits for the panel's Run button. */
export async function openPanel(page: Page): Promise<FrameLocator> {
  const item = page.locator('.activitybar .action-item a[aria-label^="Shipwright"]');
  await item.waitFor({ state: 'visible', timeout: 60_000 });
  // A click on the view container that is already shown hides the side bar.
  const shown = await page.locator('.activitybar .action-item.checked a[aria-label^="Shipwright"]').count();
  if (!shown || !(await page.locator('.part.sidebar').isVisible())) await item.click();
  const view = panel(page);
  await view.locator('button[data-key="run"]').waitFor({ state: 'visible', timeout: 60_000 });
  return view;
}

/**
 * Drags the side bar's sash until the side bar is `width` CSS px wide (±2). The workbench clamps the side bar to
 * its minimum (170 px) and to what the window leaves. @returns the width reached
 */
export async function setSidebarWidth(page: Page, width = SIDEBAR_WIDTH): Promise<number> {
  for (let i = 0; i < 3; i++) {
    const bar = await page.locator('.part.sidebar').boundingBox();
    if (!bar) throw new Error('no side bar is shown');
    if (Math.abs(bar.width - width) <= 2) return bar.width;
    const edge = bar.x + bar.width;
    await page.mouse.move(edge + 1, bar.y + 300);
    await page.mouse.down();
    await page.mouse.move(edge + 1 + (width - bar.width), bar.y + 300, { steps: 6 });
    await page.mouse.up();
  }
  return (await page.locator('.part.sidebar').boundingBox())?.width ?? 0;
}

/** What a person would measure of the panel: its width, whether it scrolls sideways, and its full height (CSS px). */
export interface PanelMetrics {
  clientWidth: number;
  scrollWidth: number;
  scrollHeight: number;
  /** Elements wider than the panel (tag, class, width), the cause of a horizontal scroll. */
  overflowing: string[];
}

/** Measures the panel's document. */
export async function panelMetrics(view: FrameLocator): Promise<PanelMetrics> {
  return view.locator('body').evaluate(() => {
    const root = document.documentElement;
    const overflowing: string[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const r = el.getBoundingClientRect();
      if (r.right > root.clientWidth + 1 && r.width > 0) overflowing.push(`${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.right)}`);
    }
    return { clientWidth: root.clientWidth, scrollWidth: root.scrollWidth, scrollHeight: root.scrollHeight, overflowing: overflowing.slice(0, 10) };
  });
}

/**
 * Saves a screenshot of the side bar to test-results/<name>.png, and to media/<name>.png when
 * SHIPWRIGHT_UPDATE_SCREENSHOT is set (the README's pictures, tracked), so a plain test run leaves the tree clean.
 */
export async function shootSidebar(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  const target = opts.fullPage ? page : page.locator('.part.sidebar');
  const shot = await target.screenshot({ path: join(dir, `${name}.png`) });
  if (process.env.SHIPWRIGHT_UPDATE_SCREENSHOT) writeFileSync(join(repoRoot, 'media', `${name}.png`), shot);
  return join(dir, `${name}.png`);
}

/** Writes measurements to test-results/<name>.json (the notes quote them). */
export function recordMetrics(name: string, data: unknown): void {
  const dir = join(repoRoot, 'test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(data, null, 2));
}
