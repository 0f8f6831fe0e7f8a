import { canonicalJson, parseTomlTable, tomlTable } from './tomlTable';

/** `[tool.*]` tables that configure pytest, coverage, tox and hatch's test environments, and the checkers. */
const TOOLS = ['pytest', 'coverage', 'tox', 'ruff', 'mypy', 'black', 'pylint', 'isort', 'pyright'];

/**
 * The parts of a pyproject.toml that decide how the tests and the repository's checks run, as one canonical string:
 * `[tool.pytest…]` (`addopts = "--deselect …"` drops a failing test and the run passes), `[tool.coverage…]`,
 * `[tool.tox]`, `[tool.hatch.envs…]` and the checkers' (`[tool.ruff…]`, `[tool.mypy…]`…), read as TOML so that
 * `[ tool.pytest.ini_options ]`, `[tool."pytest".ini_options]` or `tool.pytest.ini_options.addopts = …` at the root
 * (all one table to pytest, which reads the file with tomllib) compare the same.
 * Sources: https://docs.pytest.org/en/stable/reference/customize.html#pyproject-toml, https://toml.io/en/v1.0.0
 * @param text the file, or null when it does not exist (then '')
 * @returns the canonical string, or undefined when the text is no valid TOML
 */
export function pyprojectTestSettings(text: string | null): string | undefined {
  if (text === null) return '';
  const toml = parseTomlTable(text);
  if (toml === undefined) return undefined;
  const tool = tomlTable(toml.tool) ?? {};
  return canonicalJson({ ...Object.fromEntries(TOOLS.map((t) => [t, tool[t] ?? null])), hatchEnvs: tomlTable(tool.hatch)?.envs ?? null });
}
