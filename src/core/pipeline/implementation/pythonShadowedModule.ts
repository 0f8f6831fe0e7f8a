import { PYTHON_STDLIB_NAMES } from './pythonStdlibNames';

/** A top-level Python module or package file at the root, or under `src/`, `lib/` or `tests/`: its import name. */
export const TOP_LEVEL_PY = /^(?:(?:src|lib|tests?)\/)?([A-Za-z_]\w*)(?:\.py|\/__init__\.py)$/;

/**
 * The test runners and what they import on start (pytest's `_pytest`, `pluggy` and `py`, coverage, nose): not in the
 * standard library, and imported the same way.
 */
const RUNNER_NAMES = new Set(['pytest', '_pytest', 'pluggy', 'py', 'coverage', 'nose', 'nose2']);

/** A bytecode file outside `__pycache__`: Python imports a sourceless `x.pyc` (or `x/__init__.pyc`) as module `x`. */
const SOURCELESS = /(?:^|\/)([A-Za-z_]\w*)(?:\.pyc|\/__init__\.pyc)$/;

/**
 * The module a new file would take the place of: a top-level module or package (see TOP_LEVEL_PY; the working
 * folder, and `src/` or `tests/` where PYTHONPATH or pytest put them, come first on sys.path) named like a
 * standard-library module (PYTHON_STDLIB_NAMES) or a test runner's, or a sourceless `.pyc` of such a name anywhere
 * outside `__pycache__` (https://docs.python.org/3/reference/import.html#path-entry-finders; PEP 3147 on sourceless
 * imports). `python -m unittest` imports the first `unittest`, `argparse`, `difflib` on sys.path, so such a file
 * IS the runner (seen on hukkin/tomli: a `unittest.py` that printed `Ran 19 tests … OK` was merged). The same name
 * deeper in the project's own package (`src/seqtools/coverage.py`) is the package's module and shadows nothing.
 * @param path repository-relative, `/`-separated
 * @returns the module name, or undefined when the file shadows none
 */
export function shadowedModule(path: string): string | undefined {
  const name = TOP_LEVEL_PY.exec(path)?.[1] ?? (path.split('/').includes('__pycache__') ? undefined : SOURCELESS.exec(path)?.[1]);
  return name !== undefined && (PYTHON_STDLIB_NAMES.has(name) || RUNNER_NAMES.has(name)) ? name : undefined;
}
