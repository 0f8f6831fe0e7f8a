/**
 * Folders a test run writes by itself, never code: interpreters' and checkers' caches (`__pycache__` next to every
 * Python module, pytest's, mypy's and ruff's). codeState leaves them out, and renew may throw them away.
 */
export const TEST_RUN_CACHES = ['__pycache__', '.pytest_cache', '.mypy_cache', '.ruff_cache'] as const;

/**
 * Report and build folders a test run writes (nyc, c8 and jest's `coverage/`, cargo's `target/`, which `cargo
 * test` fills before any test runs): renew may throw them away when they are ignored, but codeState keeps them,
 * since a folder of that name may hold code somewhere in a repository.
 */
export const TEST_RUN_REPORTS = ['.nyc_output', 'coverage', 'target'] as const;
