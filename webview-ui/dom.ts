import { formatUsd } from '../src/core/models/costLedger';
import type { SpendView } from '../src/shared/viewState';

/** Attributes of `h`: plain attributes, `on*` event handlers, and `text` for text content. */
type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>;
type Child = Node | string | false | undefined | null;

/**
 * Creates an element. Strings become text nodes (never HTML: every string shown may come from a model or a
 * ticket, so nothing is parsed as markup). `false`/`undefined` attributes and children are left out.
 */
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== false && c !== undefined && c !== null) el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

/** USD for people: the core's one formatter ("$0.012", "$1.25"). */
export const usd = formatUsd;

/** A cost: "free" when nothing was billed and every call was local, else the USD amount. */
export function cost(spent: { local: SpendView; cloud: SpendView }): string {
  const total = spent.local.usd + spent.cloud.usd;
  return total === 0 && spent.cloud.calls === 0 ? 'free' : usd(total);
}

/** A token count with thousands separators. */
export function tokens(n: number): string {
  return n.toLocaleString('en-US');
}

/** "4.2k" style token counts for tight places. */
export function shortTokens(n: number): string {
  return n < 1000 ? String(n) : n < 1_000_000 ? `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k` : `${(n / 1_000_000).toFixed(1)}M`;
}

/** Every token of a spend (cloud cache writes and reads included). */
export function tokensOf(s: { local: SpendView; cloud: SpendView }): number {
  const t = (v: SpendView): number => v.tokens.input + v.tokens.output + v.tokens.cacheRead + v.tokens.cacheWrite;
  return t(s.local) + t(s.cloud);
}

/**
 * A path that elides in the middle: the folder shrinks from its start ("…/conv/") before the file name does, a
 * long name keeps its last characters, and the full path is on hover.
 */
export function pathLabel(path: string): HTMLElement {
  const cut = path.lastIndexOf('/');
  const dir = cut >= 0 ? path.slice(0, cut + 1) : '';
  const name = cut >= 0 ? path.slice(cut + 1) : path;
  // A long name keeps its end (the number and extension that tell siblings apart): "length-and-are…per-01.js".
  const tail = name.length > 14 ? name.slice(-9) : '';
  return h('span', { class: 'path', title: path },
    h('span', { class: 'name' }, h('span', { class: 'head' }, tail ? name.slice(0, -9) : name), tail && h('span', { class: 'tail' }, tail)),
    dir && h('span', { class: 'dir' }, h('bdi', {}, dir)),
  );
}

/** "0:42", "12:05", "1:02:03" from milliseconds. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** A clock that counts up from `sinceIso` (ticked by main.ts every second, in the page: no host messages). */
export function clock(sinceIso: string): HTMLElement {
  return h('span', { class: 'clock', 'data-since': sinceIso, 'aria-label': 'elapsed' }, elapsed(Date.now() - Date.parse(sinceIso)));
}

/**
 * Text whose `backticked` spans become <code> elements (test runners, commands and settings in advice and
 * objections), as text nodes only: nothing is parsed as markup. A backtick without its pair stays as written.
 */
export function withCode(text: string): Node[] {
  const parts = text.split(/`([^`\n]+)`/);
  return parts.map((p, i) => (i % 2 === 1 ? h('code', {}, p) : document.createTextNode(p))).filter((n) => !(n instanceof Text) || n.data !== '');
}
