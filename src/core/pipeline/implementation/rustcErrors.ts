/**
 * One error rustc reported (a cargo build of the tests): `error[E0425]: cannot find function `os_args` in this
 * scope` with its `--> tests/tests.rs:499:40` location on the next line. `code` is undefined for an error without
 * one: a parse error (`error: expected `;`, found `assert_eq``, `error: mismatched closing delimiter`) or cargo's
 * own closing lines, which have no location.
 */
export interface RustcError {
  code?: string;
  message: string;
  /** `tests/tests.rs:499`, as rustc prints it (relative to the package, or `<checkout>/…` as runTests leaves it). */
  at?: string;
}

/** rustc's error line (rustc_errors' human emitter): `error[E0599]: no method named …` or `error: expected …`. */
const ERROR_LINE = /^error(?:\[(E\d{4})\])?: (.+?)\s*$/;
/** rustc's primary location under the message: `   --> src/lib.rs:12:5`. */
const ARROW = /^\s*--> (\S+?):(\d+):\d+\s*$/;

/**
 * Errors of names the code lacks, the missing behaviour when the plan adds the name: E0425 (function, value and,
 * since Rust 1.9x, type), E0412 (type, earlier releases), E0433 (path: `cannot find `Counter` in `pico_args``,
 * earlier `failed to resolve: use of undeclared type`), E0432 (import), E0599 (method or associated function).
 * Explanations: https://doc.rust-lang.org/error_codes/error-index.html
 */
const MISSING_NAME_CODES = new Set(['E0425', 'E0412', 'E0433', 'E0432', 'E0599']);

/** The errors rustc reported in `output`, each with the location printed under it when there is one. */
export function rustcErrors(output: string): RustcError[] {
  const lines = output.split('\n');
  const found: RustcError[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ERROR_LINE.exec(lines[i]);
    if (m === null) continue;
    const arrow = i + 1 < lines.length ? ARROW.exec(lines[i + 1]) : null;
    found.push({ code: m[1], message: m[2], at: arrow === null ? undefined : `${arrow[1]}:${arrow[2]}` });
  }
  return found;
}

/** A macro or attribute the code lacks, which rustc reports without a code: `error: cannot find macro `x` in this scope`. */
const MISSING_MACRO = /^cannot find (?:derive macro|macro|attribute) `/;

/**
 * The name an error of MISSING_NAME_CODES (or MISSING_MACRO) is about: the first quoted name of its message, last
 * path segment (`pico_args::Counter` → `Counter`), without generics. Undefined for other errors.
 */
export function missingName(e: RustcError): string | undefined {
  if (e.code === undefined ? !MISSING_MACRO.test(e.message) : !MISSING_NAME_CODES.has(e.code)) return undefined;
  const quoted = /`([^`]+)`/.exec(e.message)?.[1];
  return quoted?.replace(/<.*$/, '').split('::').pop()?.trim() || undefined;
}

/** Whether `at` (`tests/tests.rs:499`) is in one of `paths` (the new test files), compared by path suffix. */
function inPaths(at: string | undefined, paths: readonly string[]): boolean {
  if (at === undefined) return false;
  const file = at.replace(/:\d+$/, '').replace(/^(?:\.\/|<checkout>\/)/, '');
  return paths.some((p) => file === p || file.endsWith(`/${p}`) || p.endsWith(`/${file}`));
}

/**
 * Methods a plan gets without writing them when it names the standard trait that brings them ("derive Default and
 * Clone for `Args`" gives `.clone()` and `Args::default()`). Source: the std trait docs, https://doc.rust-lang.org/std/
 * (clone::Clone, default::Default, cmp::{PartialEq, PartialOrd, Ord}, hash::Hash, fmt::{Debug, Display},
 * str::FromStr, convert::{From, Into, AsRef}, iter::{Iterator, IntoIterator}, ops::Deref, string::ToString).
 */
const TRAIT_METHODS: Record<string, readonly string[]> = {
  Clone: ['clone', 'clone_from'], Default: ['default'], PartialEq: ['eq', 'ne'], PartialOrd: ['partial_cmp', 'lt', 'le', 'gt', 'ge'],
  Ord: ['cmp', 'max', 'min', 'clamp'], Hash: ['hash'], Debug: ['fmt'], Display: ['fmt', 'to_string'], ToString: ['to_string'],
  FromStr: ['from_str', 'parse'], From: ['from', 'into'], Into: ['into'], AsRef: ['as_ref'], Iterator: ['next', 'collect', 'map', 'count'],
  IntoIterator: ['into_iter'], Deref: ['deref'],
};

function wordIn(word: string, text: string): boolean {
  return new RegExp(`(?<![\\w])${word.replace(/[^\w]/g, '')}(?![\\w])`).test(text);
}

/**
 * Whether the plan's text adds `name`: written as a word of its own (`len` in "pub fn len(&self)"), or a method of
 * a standard trait the plan names (TRAIT_METHODS).
 */
function inPlan(name: string, planText: string): boolean {
  return wordIn(name, planText) || Object.entries(TRAIT_METHODS).some(([trait, methods]) => methods.includes(name) && wordIn(trait, planText));
}

/** What rustc's errors say about red tests: why they can never pass, or that the build stopped at what the code lacks. */
export type RustcVerdict =
  | { kind: 'wrong'; reason: string }
  | { kind: 'missing' }
  | { kind: 'none' };

/**
 * Judges a cargo build that failed on the new tests. Wrong: an error without a code (other than a missing macro)
 * located in a new test file — a parse error or a denied lint, which no code can make compile — or a missing name
 * (MISSING_NAME_CODES, MISSING_MACRO) that the plan's text does not name, wherever it is (a misspelt helper, a
 * function nothing will add). Missing: every missing name is in the plan and some error is in a new test file —
 * the code lacks what the plan adds, red for the right reason (other coded errors in the test files, such as a
 * call with a new parameter, E0061, or a type that changes, E0308, count with it: telling them from a test's
 * mistake needs the plan's signatures). None: no rustc error located in a new test file.
 */
export function judgeRustcErrors(output: string, testPaths: readonly string[], planText: string): RustcVerdict {
  const errors = rustcErrors(output);
  const own = errors.find((e) => e.code === undefined && missingName(e) === undefined && inPaths(e.at, testPaths));
  if (own !== undefined) {
    return { kind: 'wrong', reason: `rustc refuses the test code itself (\`error: ${own.message}\` at ${own.at ?? 'a test file'}): a syntax error or a denied lint, which no code can make compile; correct the test` };
  }
  for (const e of errors) {
    const name = missingName(e);
    if (name !== undefined && !inPlan(name, planText)) {
      return { kind: 'wrong', reason: `\`${name}\` does not exist and no task of the plan adds it (\`error${e.code === undefined ? '' : `[${e.code}]`}: ${e.message}\`${e.at === undefined ? '' : ` at ${e.at}`}): a name the test gets wrong, or one the code would need without the plan saying so; use the names the plan adds and those the code has` };
    }
  }
  return errors.some((e) => inPaths(e.at, testPaths)) ? { kind: 'missing' } : { kind: 'none' };
}
