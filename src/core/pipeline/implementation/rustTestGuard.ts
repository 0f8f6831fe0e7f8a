import type { PlannedChange } from '../../workspace/applyEdits';
import type { Objection } from '../objection';
import { RUST_TEST_ATTRIBUTE, rustFile, type RustAttribute } from './rustFile';

/**
 * Rust's conditional-compilation attributes that mention `test` (`#[cfg(test)]` on a tests module,
 * `#[cfg_attr(test, …)]`): changing one decides whether the tests are compiled at all. On RazrFalcon/pico-args a
 * code step turned `#[cfg(test)]` into `#[cfg(all(test, feature = "len"))]`, and `cargo test` ran none of them.
 */
const TEST_CFG = /^#!?\[cfg(?:_attr)?\(.*\btest\b.*\]$/s;

/**
 * Attributes that decide whether a test is compiled or which file a module is read from: `cfg`, `cfg_attr` (unless
 * all it adds are lints, docs or features) and `path`. `#[cfg(any())]` is never true, `#[cfg_attr(all(), ignore)]`
 * always is: the condition cannot be judged without the build, so any new one on a test is refused.
 * Source: https://doc.rust-lang.org/reference/conditional-compilation.html
 */
const GATE = /^#!?\[(?:cfg\(|cfg_attr\(|path=)/;
/** What a `cfg_attr` may add without touching whether or how a test runs (lint levels, docs, features). */
const HARMLESS_PAYLOAD = /^(?:allow|warn|deny|forbid|expect|doc|feature|must_use|inline|deprecated|rustfmt::skip|no_std)\b/;

/** Attributes that switch a compiled test off (`#[ignore]`, also through `cfg_attr`). */
const IGNORE = /^#\[(?:ignore\b|cfg_attr\(.*\bignore\b)/s;
/** `#[should_panic]`: a test that fails by panicking (every failed assertion does) then passes. */
const SHOULD_PANIC = /^#\[(?:should_panic\b|cfg_attr\(.*\bshould_panic\b)/s;

/**
 * The standard macros tests fail through. A `macro_rules!` of the same name (or a `use … as assert_eq`) anywhere
 * in the crate takes their place (textual scope comes before the prelude: the reference's "Macros By Example",
 * https://doc.rust-lang.org/reference/macros-by-example.html#scoping-exporting-and-importing), and a test whose
 * `assert_eq!` expands to nothing passes.
 */
const STD_MACRO = /(?:\bmacro_rules!\s*|\bmacro\s+|\bas\s+)(?:r#)?(assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne|panic|unreachable|matches|assert_matches)\b/g;

/** The macros a Rust test fails through (std's and the common crates': pretty_assertions', proptest's, assert_matches'). */
const ASSERTION = /\b(?:assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne|assert_matches|prop_assert\w*|panic)!\s*[([{]/g;

function tally(items: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(i, (m.get(i) ?? 0) + 1);
  return m;
}

/** The items `after` has more often than `before`. */
function added(before: readonly string[], after: readonly string[]): string[] {
  const b = tally(before);
  return [...tally(after)].filter(([k, n]) => (b.get(k) ?? 0) < n).map(([k]) => k);
}

/** A `cfg_attr` whose every added attribute is harmless (HARMLESS_PAYLOAD), or any attribute other than a gate. */
function gates(a: RustAttribute): boolean {
  if (!GATE.test(a.text)) return false;
  const cfgAttr = /^#!?\[cfg_attr\((.*)\)\]$/s.exec(a.text);
  if (cfgAttr === null) return true;
  const payload = splitTopLevel(cfgAttr[1]).slice(1);
  return !payload.every((p) => HARMLESS_PAYLOAD.test(p));
}

/** `a, b(c, d), e` → `['a', 'b(c, d)', 'e']`: commas outside parentheses and brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return [...parts, text.slice(start)].map((p) => p.trim()).filter((p) => p !== '');
}

/** What a Rust file says about its tests, for comparing before and after a change. */
interface RustTests {
  tests: number;
  /** Assertion macros (ASSERTION) inside test functions and test modules; outside them `assert!` is ordinary code. */
  assertions: number;
  ignores: number;
  shouldPanics: number;
  /** Gates (GATE) on test functions, on modules holding tests, and inner ones (`#![cfg(…)]`, whole files or modules). */
  gates: string[];
  /** `cfg` attributes mentioning `test`, wherever they are. */
  testCfgs: string[];
  /** Std assertion macros defined or imported under their name (STD_MACRO). */
  macros: string[];
  /** Each test function as `name:body` (see rustFile). */
  testFunctions: string[];
}

function rustTests(text: string): RustTests {
  const { attributes: attrs, code, testCode, testFunctions } = rustFile(text);
  const onTests = attrs.filter((a) => a.item === 'test-fn' || a.item === 'test-mod');
  return {
    tests: attrs.filter((a) => !a.inner && RUST_TEST_ATTRIBUTE.test(a.text)).length,
    assertions: testCode.match(ASSERTION)?.length ?? 0,
    ignores: onTests.filter((a) => IGNORE.test(a.text)).length,
    shouldPanics: onTests.filter((a) => SHOULD_PANIC.test(a.text)).length,
    // `#[cfg(test)]` is how a tests module is written; adding it never switches a test off under `cargo test`.
    gates: attrs.filter((a) => (a.inner || a.item === 'test-fn' || a.item === 'test-mod') && a.text !== '#[cfg(test)]' && gates(a)).map((a) => a.text),
    testCfgs: attrs.filter((a) => TEST_CFG.test(a.text)).map((a) => a.text),
    macros: [...code.matchAll(STD_MACRO)].map((m) => m[1]),
    testFunctions,
  };
}

/**
 * Objections (source `tests`) to a change of a Rust file that switches its tests off or makes them unable to fail
 * (unit tests live beside the code, in `src/*.rs`, which no test-path rule guards): fewer `#[test]` functions or
 * assertions in them; more
 * `#[ignore]` (however spaced: `# [ignore]`, or through `cfg_attr`); in code steps more `#[should_panic]`; a new
 * `cfg`/`cfg_attr`/`path` attribute on a test function, on a module holding tests, or inside a file or module
 * (`#![cfg(any())]`); a `cfg` attribute mentioning `test` changed or removed; and, in any Rust file, new or not, a
 * `macro_rules!` named like a std assertion macro (STD_MACRO); fewer assertions inside the tests (ASSERTION; outside
 * them `assert!` is ordinary code and may go); in code steps, an existing test function's body changed (comments and
 * whitespace aside): the tests step's tests in `src/*.rs` are not frozen as test files are (no test path), and a
 * changed expected value (`assert_eq!(len(), 3)` → `0`) turns red into green with every count unchanged. Each form was measured with cargo 1.95 to turn a failing `cargo test` into a pass (review 29).
 * @param codeStep true in code steps; the tests step may write a `#[should_panic]` test of its own
 */
export function weakenedRustTests(planned: readonly PlannedChange[], codeStep = true): Objection[] {
  const objections: Objection[] = [];
  for (const c of planned) {
    if (!c.path.endsWith('.rs') || (c.before === null && c.after === null)) continue;
    const where = c.path;
    const refuse = (message: string): void => void objections.push({ source: 'tests', where, message: `\`${c.path}\` ${message}` });
    const [b, a] = [rustTests(c.before ?? ''), rustTests(c.after ?? '')];
    const macros = added(b.macros, a.macros);
    if (macros.length > 0) refuse(`would define its own ${macros.map((m) => `\`${m}!\``).join(', ')}, which takes the place of the standard macro the tests fail through: do not redefine assertion macros`);
    if (c.before === null) continue;
    if (a.tests < b.tests) refuse(`would have ${a.tests} #[test] functions instead of ${b.tests}: do not remove tests`);
    const names = new Set(a.testFunctions.map((f) => f.slice(0, f.indexOf(':'))));
    const rewritten = [...new Set(added(a.testFunctions, b.testFunctions).map((f) => f.slice(0, f.indexOf(':'))))].filter((n) => names.has(n));
    if (codeStep && rewritten.length > 0) refuse(`would change the test${rewritten.length > 1 ? 's' : ''} ${rewritten.map((n) => `\`${n}\``).join(', ')}: tests in the code are the judge as much as test files are; make the code pass them as they are (new tests may be added)`);
    if (a.assertions < b.assertions) refuse(`would have ${a.assertions} assertions in its tests instead of ${b.assertions}: do not weaken tests, fix the code`);
    if (a.ignores > b.ignores) refuse('would ignore tests (#[ignore] added): run them all');
    if (codeStep && a.shouldPanics > b.shouldPanics) refuse('would mark tests #[should_panic], so a failing assertion passes: leave the tests as they are and fix the code');
    const gated = added(b.gates, a.gates);
    if (gated.length > 0) refuse(`would put ${gated.map((g) => `\`${g}\``).join(', ')} on its tests, which decides whether they are compiled at all: leave the test attributes as they are`);
    const gone = added(a.testCfgs, b.testCfgs);
    if (gone.length > 0) refuse(`would change when its tests are compiled (${gone.map((g) => `\`${g}\``).join(', ')} changed or removed): leave the test attributes as they are`);
  }
  return objections;
}
