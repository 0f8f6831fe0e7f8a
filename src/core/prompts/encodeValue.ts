/**
 * Invisible and direction-changing characters that make text read differently from what it is: bidi embeddings,
 * overrides and isolates (the "Trojan Source" attack, CVE-2021-42574, unicode.org/reports/tr9), zero-width
 * space/no-break/word joiner, invisible math operators, the BOM inside text, the Arabic letter mark, and Unicode
 * tag characters (U+E0000–U+E007F, used to hide instructions from people; unicode.org/charts/PDF/UE0000.pdf).
 * ZWJ/ZWNJ (U+200C/U+200D) are left alone: scripts and emoji need them.
 */
export const HIDDEN_CHARS = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|\uDB40[\uDC00-\uDC7F]/g;

/** `⟦U+202E⟧` for each hidden character: visible to a person and to a model, and reversible by eye. */
export function showHidden(text: string): string {
  return text.replace(HIDDEN_CHARS, (c) => `⟦U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}⟧`);
}

/** The hidden characters of a text with their 1-based line numbers (for flags in a diff), at most `limit`. */
export function findHidden(text: string, limit = 5): { line: number; code: string }[] {
  const found: { line: number; code: string }[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    for (const m of line.matchAll(HIDDEN_CHARS)) {
      found.push({ line: i + 1, code: `U+${(m[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}` });
      if (found.length >= limit) return found;
    }
  }
  return found;
}

/** The names of the XML-like sections a template's user part uses (`<ticket>`, `</files>` → ticket, files). */
export function sectionNames(templateUser: string): string[] {
  return [...new Set([...templateUser.matchAll(/<\/?([A-Za-z][\w-]*)>/g)].map((m) => m[1].toLowerCase()))];
}

/**
 * A value made safe to insert between a template's section tags: any opening or closing tag of one of
 * `sections` inside it (`</ticket>`, `< /FILES >`, `<test-output `) has its `<` written as `&lt;`, so untrusted
 * text cannot close its section and open another; hidden characters are made visible (showHidden). Everything
 * else is kept as is (code keeps its `<` and `>`).
 */
export function encodeValue(value: string, sections: readonly string[]): string {
  const shown = showHidden(value);
  if (sections.length === 0) return shown;
  const names = sections.map((s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
  return shown.replace(new RegExp(`<(\\s*/?\\s*(?:${names}))(?=[\\s/>]|$)`, 'gi'), '&lt;$1');
}
