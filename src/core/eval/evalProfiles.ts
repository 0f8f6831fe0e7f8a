import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, loadConfig, type ConfigOverrides } from '../config/loadConfig';
import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { EvalSetupError } from './evalSetupError';
import { formatZodIssues } from './formatZodIssues';

/** The name of the profile that is the config as it is (used when no `--profile` is named). */
export const CURRENT_PROFILE = 'current';

/** A profile name: short, safe in file names and tables. */
export const ProfileName = z.string().regex(/^[A-Za-z0-9][\w.-]{0,39}$/, 'a profile name is 1–40 letters, digits, "_", "." or "-"');

/**
 * `profiles` of `.shipwright/config.json`: named overrides of the config — any of its fields (`chains`,
 * `attemptCap`, `escalationAttempts`, `models`, `budgetUsd`…), layered over the config as it is, e.g.
 * `{ "profiles": { "haiku-only": { "chains": { "implementation": ["haiku"] }, "attemptCap": 2 } } }`.
 * Each is checked by the config's own schema when it is resolved.
 */
export const ProfilesSection = z.record(ProfileName, z.record(z.string(), z.unknown())).default({});

/** A profile ready to run: its name, its overrides as written, and the whole config they give. */
export interface EvalProfile {
  name: string;
  overrides: ConfigOverrides;
  config: ShipwrightConfig;
}

/**
 * The profiles named (in the order named), resolved over the workspace's config; with no names, the one profile
 * {@link CURRENT_PROFILE}: the config as it is. `configFile` is an extra layer (the CLI's `--config`); its own
 * `profiles`, when it has them, are added to (and win over) the workspace's.
 * @throws EvalSetupError('profile') for an unknown name (listing the known ones) or a profile the schema refuses
 */
export async function loadProfiles(opts: { workspaceRoot: string; configFile?: string; names: readonly string[] }): Promise<EvalProfile[]> {
  const sections = await Promise.all([
    readProfiles(path.join(opts.workspaceRoot, '.shipwright', 'config.json')),
    opts.configFile ? readProfiles(path.resolve(opts.configFile)) : Promise.resolve({}),
  ]);
  const known: Record<string, Record<string, unknown>> = { ...sections[0], ...sections[1] };
  const names = opts.names.length ? [...new Set(opts.names)] : [CURRENT_PROFILE];
  const out: EvalProfile[] = [];
  for (const name of names) {
    const overrides = name === CURRENT_PROFILE && !(name in known) ? {} : known[name];
    if (overrides === undefined) {
      const list = Object.keys(known);
      throw new EvalSetupError('profile', `no profile "${name}" under "profiles" in .shipwright/config.json${list.length ? ` (known: ${list.join(', ')})` : ' (it has none)'}`);
    }
    try {
      // A profile is a config layer as a person writes it; the config schema checks it whole below.
      const layer = overrides as ConfigOverrides;
      out.push({ name, overrides: layer, config: await loadConfig({ workspaceRoot: opts.workspaceRoot, file: opts.configFile, extra: layer }) });
    } catch (e) {
      if (e instanceof ConfigError) throw new EvalSetupError('profile', `profile "${name}": ${e.message}`, { cause: e });
      throw e;
    }
  }
  return out;
}

async function readProfiles(file: string): Promise<Record<string, Record<string, unknown>>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new EvalSetupError('profile', `${file}: cannot read: ${(e as Error).message}`, { cause: e });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EvalSetupError('profile', `${file}: not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const r = z.object({ profiles: ProfilesSection }).safeParse(json);
  if (!r.success) throw new EvalSetupError('profile', `${file}: ${formatZodIssues(r.error)}`);
  return r.data.profiles;
}
