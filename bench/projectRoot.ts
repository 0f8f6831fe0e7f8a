import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The project's root folder: the nearest folder at or above this bundle's that holds `test/fixtures`. Bench bundles
 * live in `out/bench/` (or a copy of an older build elsewhere under the project, for before/after runs).
 * @throws Error when no such folder exists
 */
export function projectRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'test', 'fixtures', 'calculator'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no test/fixtures above ${__dirname}: run the bench from the project`);
  }
}
