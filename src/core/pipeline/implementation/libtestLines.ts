/**
 * Result lines of Rust's libtest, the harness `cargo test` runs (library/test/src/formatters/pretty.rs, the default,
 * and terse.rs, `cargo test -q`; recorded from `cargo test` 1.95 on RazrFalcon/pico-args in
 * test/fixtures/runner-output/cargo-*.txt): `test tests::parses ... ok`, `test invalid_flag_01 - should panic ...
 * ok`, `test src/lib.rs - Arguments (line 12) ... ok` (a doc-test), `test known_failure ... FAILED`, then a
 * `---- known_failure stdout ----` header above the output of each failure that printed any (a panic message, `note:
 * test did not panic as expected`, a returned `Error: …`): under `-q` (terse: passing tests are dots, a failure
 * `known_failure --- FAILED`) these headers name the failures. The `failures:` list after them is not read: it names
 * the same tests again, indented, and a bare indented word is no result line elsewhere.
 * A `#[should_panic]` test's ` - should panic` is left out of its name, so the test keeps its name whether it passes
 * or fails.
 */
export const LIBTEST_FAILING = [
  /^test (.+?)(?: - should panic)? \.\.\. FAILED$/gm,
  /^---- (.+?) stdout ----$/gm,
];

/** libtest's passing line (see LIBTEST_FAILING): `test tests::parses ... ok`. */
export const LIBTEST_PASSING = [/^test (.+?)(?: - should panic)? \.\.\. ok$/gm];
