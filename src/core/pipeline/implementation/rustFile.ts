/** An attribute of a Rust file and the item it stands on. */
export interface RustAttribute {
  /** Its text without whitespace: `# [ ignore ]` and `#[ignore]` are both `#[ignore]`. */
  text: string;
  /** `#![…]`: an inner attribute, which applies to the module (or file) it stands in. */
  inner: boolean;
  /**
   * `test-fn`: it stands on a test function (one whose attributes include `#[test]` or `#[x::test]`); `test-mod`:
   * on a module whose body holds test functions or that is compiled for tests only (`#[cfg(test)]`), or an
   * out-of-line `mod x;` whose name says test (its body is another file); `other`: anything else, inner attributes
   * included.
   */
  item: 'test-fn' | 'test-mod' | 'other';
}

/** Rust test functions' attribute: `#[test]`, `#[tokio::test]`, `#[tokio::test(flavor = "multi_thread")]`. */
export const RUST_TEST_ATTRIBUTE = /^#\[(?:\w+::)*test(?:\(.*\))?\]$/s;

const CHAR_LITERAL = /'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F]{1,6}\}|.)|[^\\'\n])'/y;
const RAW_STRING = /b?r(#*)"/y;

/**
 * The code of a Rust file with comments (`//`, nested `/* *\/`) and the contents of string and character literals
 * (raw strings included) blanked to spaces, so that the result has the same length and positions and nothing in
 * a comment or a string reads as code. Newlines are kept. A heuristic scanner, not rustc's lexer: enough to find
 * attributes, braces and macro definitions. `source`: the same with only the comments blanked.
 * Source: https://doc.rust-lang.org/reference/tokens.html (literals), .../comments.html (nesting).
 */
function rustCode(text: string): { code: string; source: string } {
  const out = text.split('');
  const src = text.split('');
  const blank = (from: number, to: number, comment = false): void => {
    for (let k = from; k < to; k++) {
      if (out[k] === '\n') continue;
      out[k] = ' ';
      if (comment) src[k] = ' ';
    }
  };
  // Only these can open a comment or a literal; the scan jumps from one to the next (half the time of a char-by-char walk).
  const opening = /\/[/*]|["']|(?<!\w)b?r#*"/g;
  let i = 0;
  while (i < text.length) {
    opening.lastIndex = i;
    const next = opening.exec(text);
    if (next === null) break;
    i = next.index;
    const two = text.slice(i, i + 2);
    if (two === '//') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop, true);
      i = stop;
    } else if (two === '/*') {
      let depth = 0;
      let j = i;
      do {
        if (text.startsWith('/*', j)) { depth++; j += 2; }
        else if (text.startsWith('*/', j)) { depth--; j += 2; }
        else j++;
      } while (depth > 0 && j < text.length);
      blank(i, j, true);
      i = j;
    } else if (text[i] === '"' || ((text[i] === 'r' || text[i] === 'b') && !/\w/.test(text[i - 1] ?? ' ') && rawAt(text, i) !== undefined)) {
      const raw = text[i] === '"' ? undefined : rawAt(text, i);
      const open = raw === undefined ? i + 1 : raw.contentStart;
      let j = open;
      if (raw === undefined) {
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      } else {
        const close = text.indexOf(`"${raw.hashes}`, open);
        j = close === -1 ? text.length : close;
      }
      blank(open, j);
      i = j + 1 + (raw?.hashes.length ?? 0);
    } else if (text[i] === '\'') {
      CHAR_LITERAL.lastIndex = i;
      const m = CHAR_LITERAL.exec(text);
      if (m !== null) blank(i + 1, i + m[0].length - 1);
      i += m === null ? 1 : m[0].length; // no match: a lifetime (`'a`)
    } else i++; // `b` or `r` of an identifier

  }
  return { code: out.join(''), source: src.join('') };
}

/** A raw string literal opening at `i` (`r"`, `r#"`, `br##"`): its `#`s and where its contents start. */
function rawAt(text: string, i: number): { hashes: string; contentStart: number } | undefined {
  RAW_STRING.lastIndex = i;
  const m = RAW_STRING.exec(text);
  return m === null ? undefined : { hashes: m[1], contentStart: i + m[0].length };
}

/** The index of the bracket closing the one at `open` (`[`→`]`, `{`→`}`), or the end of the text. */
function closing(code: string, open: number): number {
  const [o, c] = code[open] === '[' ? ['[', ']'] : ['{', '}'];
  let depth = 0;
  for (let k = open; k < code.length; k++) {
    if (code[k] === o) depth++;
    else if (code[k] === c && --depth === 0) return k;
  }
  return code.length;
}

const FN_ITEM = /\s*(?:pub(?:\s*\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern(?:\s*"\s*")?)\s+)*fn\s+(?:r#)?(\w+)/y;
const MOD_ITEM = /\s*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(?:r#)?(\w+)\s*([;{])/y;

/** A Rust file read for its tests: its attributes and where the bodies of its test functions and test modules are. */
interface RustScan {
  attributes: RustAttribute[];
  /** `[open, close]` brace positions of every test function's and brace-delimited test module's body. */
  testBodies: [number, number][];
  /** The file as rustCode gives it. */
  code: string;
  /** Each test function as `name:body`, the body without comments or whitespace (strings kept). */
  testFunctions: string[];
}

function scan(text: string): RustScan {
  const { code, source } = rustCode(text);
  const testFunctions: string[] = [];
  const found: { start: number; end: number; text: string; inner: boolean }[] = [];
  for (const m of code.matchAll(/#\s*(!?)\s*\[/g)) {
    const start = m.index;
    const end = closing(code, start + m[0].length - 1);
    // The text with the strings' contents back (a `#[path = "…"]` is told apart by its path), without whitespace.
    found.push({ start, end, text: text.slice(start, end + 1).replace(/\s+/g, ''), inner: m[1] === '!' });
  }
  const tests = found.filter((a) => !a.inner && RUST_TEST_ATTRIBUTE.test(a.text)).map((a) => a.start);
  const attributes: RustAttribute[] = [];
  const testBodies: [number, number][] = [];
  let run: typeof found = [];
  for (const [k, a] of found.entries()) {
    if (a.inner) {
      attributes.push({ text: a.text, inner: true, item: 'other' });
      continue;
    }
    run.push(a);
    const next = found[k + 1];
    if (next !== undefined && !next.inner && code.slice(a.end + 1, next.start).trim() === '') continue;
    let item: RustAttribute['item'] = 'other';
    FN_ITEM.lastIndex = MOD_ITEM.lastIndex = a.end + 1;
    const fn = FN_ITEM.exec(code);
    const mod = MOD_ITEM.exec(code);
    if (fn !== null && run.some((r) => RUST_TEST_ATTRIBUTE.test(r.text))) {
      item = 'test-fn';
      const open = code.indexOf('{', a.end + 1 + fn[0].length);
      if (open !== -1) {
        const close = closing(code, open);
        testBodies.push([open, close]);
        testFunctions.push(`${fn[1]}:${source.slice(open, close + 1).replace(/\s+/g, '')}`);
      }
    } else if (mod !== null) {
      // Tests a macro writes (`proptest!`, `quickcheck!`) or another file holds have no `#[test]` to see here:
      // `#[cfg(test)]` says it too.
      const forTests = run.some((r) => /^#\[cfg\(.*\btest\b/s.test(r.text));
      if (mod[2] === ';' && (forTests || /test/i.test(mod[1]))) item = 'test-mod';
      const open = a.end + mod[0].length;
      const close = mod[2] === '{' ? closing(code, open) : open;
      if (mod[2] === '{' && (forTests || tests.some((t) => t > open && t < close))) {
        item = 'test-mod';
        testBodies.push([open, close]);
      }
    }
    attributes.push(...run.map((r) => ({ text: r.text, inner: false, item })));
    run = [];
  }
  return { attributes, testBodies, code, testFunctions };
}

/** A Rust file read for its tests (see rustFile). */
export interface RustFile {
  /** Every attribute (comments and strings left out), with the item it stands on. */
  attributes: RustAttribute[];
  /** The file as rustCode gives it. */
  code: string;
  /** The code of its test functions and test modules only, everything else blanked as rustCode blanks comments. */
  testCode: string;
  /** Each test function as `name:body` (body without comments or whitespace): what a code step may not rewrite. */
  testFunctions: string[];
}

/**
 * Reads a Rust file once for what its tests are: its attributes (consecutive outer attributes with only whitespace
 * between them are one item's; the item is what follows them), its code, and its tests' code. About 25 ms for a
 * 220 kB file (regex-syntax's ast/parse.rs) on this machine.
 */
export function rustFile(text: string): RustFile {
  const { attributes, testBodies, code, testFunctions } = scan(text);
  const keep = new Uint8Array(code.length);
  for (const [open, close] of testBodies) keep.fill(1, open, close + 1);
  const testCode = code.replace(/[^\n]/g, (ch, i: number) => (keep[i] === 1 ? ch : ' '));
  return { attributes, code, testCode, testFunctions };
}
