import type { FrameLocator } from 'playwright-core';

/** One text element's contrast against what is behind it. */
export interface ContrastSample {
  /** tag.class and the first words of its text */
  what: string;
  color: string;
  background: string;
  ratio: number;
  /** WCAG 2.x AA: 4.5:1, or 3:1 for large text (≥ 24 px, or ≥ 18.66 px bold). */
  needed: number;
}

/** The contrast of every visible piece of text in the panel. */
export interface ContrastReport {
  checked: number;
  lowest: ContrastSample | undefined;
  failures: ContrastSample[];
}

/**
 * Measures, in the panel's document, the contrast ratio of every visible element that holds text of its own:
 * its computed colour against its background, found by walking up the ancestors and compositing translucent
 * layers over the first opaque one (the page's own background, else the theme's `--vscode-sideBar-background`).
 * Disabled controls are left out (WCAG 1.4.3 exempts inactive components). Formula: WCAG 2.x relative luminance,
 * (L1 + 0.05) / (L2 + 0.05) — https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio
 */
export async function contrastReport(view: FrameLocator): Promise<ContrastReport> {
  return view.locator('body').evaluate(() => {
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba | undefined => {
      const m = /rgba?\(([^)]+)\)/.exec(c);
      if (!m?.[1]) return undefined;
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p.length > 3 ? (p[3] ?? 1) : 1];
    };
    const over = (top: Rgba, under: Rgba): Rgba => [0, 1, 2].map((i) => (top[i] ?? 0) * top[3] + (under[i] ?? 0) * (1 - top[3])).concat(1) as Rgba;
    const lum = (c: Rgba): number => {
      const ch = (v: number): number => { const s = v / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * ch(c[0]) + 0.7152 * ch(c[1]) + 0.0722 * ch(c[2]);
    };
    const probe = document.createElement('span');
    probe.style.color = 'var(--vscode-sideBar-background, var(--vscode-editor-background))';
    document.body.append(probe);
    const page = parse(getComputedStyle(probe).color) ?? [255, 255, 255, 1];
    probe.remove();
    const backgroundOf = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg && bg[3] > 0) {
          layers.push(bg);
          if (bg[3] >= 1) break;
        }
      }
      let base: Rgba = layers.length && (layers[layers.length - 1]?.[3] ?? 0) >= 1 ? (layers.pop() as Rgba) : [page[0], page[1], page[2], 1];
      for (const l of layers.reverse()) base = over(l, base);
      return base;
    };
    const samples: { what: string; color: string; background: string; ratio: number; needed: number }[] = [];
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!own || !(el instanceof HTMLElement) || el.closest('.sr-only') || el.closest('[disabled]') || el.offsetParent === null) continue;
      if (el.closest('details:not([open])') && !el.closest('summary')) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden') continue;
      const bg = backgroundOf(el);
      const fg0 = parse(cs.color);
      if (!fg0) continue;
      const fg = over(fg0, bg);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x) as [number, number];
      const size = parseFloat(cs.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
      samples.push({
        what: `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent ?? '').trim().slice(0, 30)}"`,
        color: cs.color,
        background: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})`,
        ratio: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100,
        needed: large ? 3 : 4.5,
      });
    }
    samples.sort((x, y) => x.ratio - y.ratio);
    return { checked: samples.length, lowest: samples[0], failures: samples.filter((s) => s.ratio < s.needed) };
  });
}
