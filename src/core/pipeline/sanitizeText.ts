/**
 * Model-written text made safe for where people read it.
 *
 * Markdown previews (VS Code renders `.shipwright/<id>/*.md`): a remote image is fetched when the preview opens
 * and can carry data out in its URL, so `![alt](http…)`, reference-style image definitions and HTML `<img>`,
 * `<iframe>`, `<object>`, `<embed>`, `<link>`, `<script>`, `<style>`, `<meta>`, `<svg>` tags are turned into inert text.
 * Local relative images stay.
 */
export function sanitizeMarkdown(md: string): string {
  return md
    .replace(/!\[([^\]]*)\]\(\s*<?((?:[a-z][a-z0-9+.-]*:|\/\/)[^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/gi, (_m, alt: string, url: string) => `[image not loaded: ${alt || 'no description'}] (${url.replace(/:/, '\u200A:')})`)
    .replace(/!\[([^\]]*)\]\[([^\]]*)\]/g, '[image not loaded: $1]')
    .replace(/<(\s*\/?\s*(?:img|iframe|object|embed|link|script|style|meta|svg|image|video|audio|source)\b)/gi, '&lt;$1');
}

/**
 * Text made safe for a terminal: ESC and the other C0/C1 control characters (cursor moves, screen clears,
 * OSC 8 links, OSC 52 clipboard writes, title changes) are shown as `^[`-style caret notation or `\u{9b}`;
 * tab, line feed and carriage-return-before-line-feed are kept. Bidi controls are shown too (see showHidden).
 */
export function sanitizeForTerminal(text: string): string {
  return text
    .replace(/\r(?!\n)/g, '^M')
    // C0 controls except tab/LF/CR, and DEL: caret notation (ESC → ^[).
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/g, (c) => (c === '\x7F' ? '^?' : `^${String.fromCharCode(c.charCodeAt(0) + 64)}`))
    .replace(/[\u0080-\u009F\u202A-\u202E\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
