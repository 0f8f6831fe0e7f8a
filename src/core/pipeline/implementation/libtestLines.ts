/**
 * Result lines of Rust's libtest, the harness `cargo test` runs (format of library/test/src/formatters/pretty.rs,
 * the default; recorded from `cargo test` 1.95 on RazrFalcon/pico-args in test/fixtures/runner-output/cargo-*.txt):
 * `test tests::parses ... ok`, `test invalid_flag_01 - should panic ... ok`, `test src/lib.rs - Arguments (line 12)
 * ... ok` (a doc-test), `test known_failure ... FAILED`, then one `---- known_failure stdout ----` header above each
 * failure's output (the `failures:` list after them names the same tests again, indented, and is not read: a bare
 * indented word is no result line elsewhere). A `#[should_panic]` test's ` - should panic` is left out of its name,
 * so the test keeps its name whether it passes or fails.
 */
export const LIBTEST_FAILING = [
  /^test (.+?)(?: - should panic)? \.\.\. FAILED$/gm,
  /^---- (.+?) stdout ----$/gm,
];

/** libtest's passing line (see LIBTEST_FAILING): `test tests::parses ... ok`. */
export const LIBTEST_PASSING = [/^test (.+?)(?: - should panic)? \.\.\. ok$/gm];

/**
 * libtest's summary of each test binary, `test result: FAILED. 35 passed; 3 failed; 0 ignored; …`: no test's name,
 * kept among a long run's result lines so that what the judge read can be checked against the counts.
 */
export const LIBTEST_SUMMARY = /^test result: (?:ok|FAILED)\. \d+ passed; \d+ failed;/;
