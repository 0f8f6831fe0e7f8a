/** Attributes of `h`: plain attributes, `on*` click handlers, and `text` for text content. */
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

/** USD for people: 4 decimals under a dollar, 2 above (same rule as the core's formatUsd). */
export function usd(n: number): string {
  return n < 1 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

/** A token count with thousands separators. */
export function tokens(n: number): string {
  return n.toLocaleString('en-US');
}
