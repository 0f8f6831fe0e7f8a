/**
 * Declaration patterns per file extension. Each captures the symbol name in group 1. Only top-level
 * (unindented) declarations count: methods and nested helpers would crowd out the map's budget.
 */
const PATTERNS: Record<string, RegExp[]> = {
  js: [
    /^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\*?\s+([A-Za-z_$][\w$]*)/,
    /^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/,
    /^export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)/,
    /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=/,
    /^export\s+(?:interface|type|enum)\s+([A-Za-z_$][\w$]*)/,
    /^(?:const|let)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>/,
  ],
  py: [/^(?:async\s+)?def\s+([A-Za-z_]\w*)/, /^class\s+([A-Za-z_]\w*)/],
  rs: [/^(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?(?:unsafe\s+)?fn\s+([A-Za-z_]\w*)/, /^(?:pub(?:\([^)]*\))?\s+)?(?:struct|enum|trait|type|mod)\s+([A-Za-z_]\w*)/],
  go: [/^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/, /^type\s+([A-Za-z_]\w*)/],
  java: [/^(?:public\s+|final\s+|abstract\s+)*(?:class|interface|enum|record)\s+([A-Za-z_]\w*)/],
  rb: [/^(?:def|class|module)\s+([A-Za-z_][\w.]*[?!]?)/],
  php: [/^(?:abstract\s+|final\s+)?(?:function|class|interface|trait)\s+([A-Za-z_]\w*)/],
  c: [/^(?:[A-Za-z_][\w\s*]*?\s+\**)([A-Za-z_]\w*)\s*\([^;]*$/, /^(?:struct|class|enum|union)\s+([A-Za-z_]\w*)\s*\{?\s*$/],
};

const BY_EXTENSION: Record<string, string> = {
  js: 'js', jsx: 'js', mjs: 'js', cjs: 'js', ts: 'js', tsx: 'js', mts: 'js', cts: 'js',
  py: 'py', rs: 'rs', go: 'go', java: 'java', kt: 'java', rb: 'rb', php: 'php',
  c: 'c', h: 'c', cc: 'c', cpp: 'c', hpp: 'c', cs: 'java',
};

/** True when symbols can be read from files with this name's extension. */
export function hasSymbolPatterns(path: string): boolean {
  return BY_EXTENSION[path.slice(path.lastIndexOf('.') + 1).toLowerCase()] !== undefined;
}

/**
 * Names of top-level declarations (functions, classes, exports, defs, fns, funcs, types) in a source file,
 * in file order, without duplicates. A regular-expression reading: fast and language-agnostic, and wrong now and
 * then (a declaration split over lines, C's many shapes) — good enough for a map, never for edits.
 */
export function topLevelSymbols(path: string, text: string): string[] {
  const lang = BY_EXTENSION[path.slice(path.lastIndexOf('.') + 1).toLowerCase()];
  if (lang === undefined) return [];
  const patterns = PATTERNS[lang];
  const names: string[] = [];
  for (const line of text.split('\n')) {
    for (const p of patterns) {
      const m = p.exec(line);
      if (m?.[1] !== undefined && !names.includes(m[1]) && !KEYWORDS.has(m[1])) {
        names.push(m[1]);
        break;
      }
    }
  }
  return names;
}

/** C-family control words the loose C pattern would otherwise take for function names. */
const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'else', 'sizeof']);
