import { promises as fs } from 'node:fs';
import path from 'node:path';
import { resolveConfig, type ConfigOverrides } from '../config/loadConfig';
import { writeAtomic } from './runEvaluation';

/**
 * Writes a profile's overrides into `<workspace>/.shipwright/config.json` as the config's own settings, so normal
 * runs use that routing: `chains` and `models` merged key by key (roles the profile does not name keep their
 * chain), every other field the profile sets replaced. Everything else in the file (its `profiles` included) is
 * kept. The result is checked with the config schema before anything is written; the write is atomic.
 * @returns the path written
 * @throws ConfigError when the merged config does not pass the schema (nothing is written), Error when the
 *   existing file is not a JSON object
 */
export async function writeProfileRouting(workspaceRoot: string, overrides: ConfigOverrides): Promise<string> {
  const file = path.join(workspaceRoot, '.shipwright', 'config.json');
  let current: Record<string, unknown> = {};
  try {
    const json: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error(`${file} is not a JSON object`);
    current = { ...json };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : {});
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(overrides)) {
    next[key] = key === 'chains' || key === 'models' ? { ...asRecord(current[key]), ...asRecord(value) } : value;
  }
  const { profiles: _profiles, ...asConfig } = next;
  resolveConfig([asConfig as ConfigOverrides], file); // checked whole by the schema; throws ConfigError naming the field
  await writeAtomic(file, `${JSON.stringify(next, null, 2)}\n`);
  return file;
}
