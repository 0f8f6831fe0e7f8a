import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseTicket } from '../ticket/parseTicket';
import { slugFromTitle } from '../ticket/slugFromTitle';
import { EvalInstance, type EvalSuite } from './evalInstance';
import { EvalSetupError } from './evalSetupError';
import { formatZodIssues } from './formatZodIssues';
import { InlineTicket, ShipwrightSuiteFile } from './shipwrightSuite';
import { instanceFromSweBench, SweBenchRow } from './sweBenchRow';

/** Largest suite file read, bytes: SWE-bench's full test split is ~40 MB of JSON lines; more is a mistake. */
const MAX_SUITE_BYTES = 200 * 1024 * 1024;

/** A suite and where its `owner/name` and URL repositories are mirrored (when the suite says). */
export interface ReadSuite extends EvalSuite {
  mirrorDir?: string;
}

/**
 * Reads a suite file: `.jsonl` as SWE-bench-style rows (one JSON object per line; blank lines skipped), anything
 * else as a Shipwright suite (JSON, or YAML for `.yaml`/`.yml`). Relative local repository paths are resolved
 * against the suite file's folder.
 * @throws EvalSetupError('suite') naming the file, the line (JSON lines) or instance, and the field
 */
export async function readSuite(file: string): Promise<ReadSuite> {
  const abs = path.resolve(file);
  let text: string;
  try {
    const st = await fs.stat(abs);
    if (st.size > MAX_SUITE_BYTES) throw new Error(`larger than ${MAX_SUITE_BYTES} bytes`);
    text = await fs.readFile(abs, 'utf8');
  } catch (e) {
    throw new EvalSetupError('suite', `${file}: cannot read the suite: ${(e as Error).message}`, { cause: e });
  }
  const dir = path.dirname(abs);
  const name = path.basename(abs).replace(/\.(jsonl|json|ya?ml)$/i, '');
  const raw = abs.toLowerCase().endsWith('.jsonl') ? readJsonLines(text, file) : readSuiteFile(text, file);
  const instances = raw.instances.map(({ where, input }) => {
    const r = EvalInstance.safeParse(input);
    if (!r.success) throw new EvalSetupError('suite', `${file}: ${where}: ${formatZodIssues(r.error)}`);
    return { ...r.data, repo: localOrRemote(r.data.repo, dir) };
  });
  const seen = new Set<string>();
  for (const i of instances) {
    if (seen.has(i.id)) throw new EvalSetupError('suite', `${file}: instance id "${i.id}" appears twice`);
    seen.add(i.id);
  }
  return { name: raw.name ?? name, file: abs, instances, mirrorDir: raw.mirrorDir === undefined ? undefined : path.resolve(dir, raw.mirrorDir) };
}

type RawInstances = { name?: string; mirrorDir?: string; instances: { where: string; input: unknown }[] };

function readJsonLines(text: string, file: string): RawInstances {
  const instances: RawInstances['instances'] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const where = `line ${i + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      throw new EvalSetupError('suite', `${file}: ${where}: not JSON: ${(e as Error).message}`);
    }
    const r = SweBenchRow.safeParse(json);
    if (!r.success) throw new EvalSetupError('suite', `${file}: ${where}: ${formatZodIssues(r.error)}`);
    try {
      instances.push({ where: `${where} (${r.data.instance_id})`, input: instanceFromSweBench(r.data) });
    } catch (e) {
      throw new EvalSetupError('suite', `${file}: ${where}: ${(e as Error).message}`);
    }
  }
  if (instances.length === 0) throw new EvalSetupError('suite', `${file}: no instances (one JSON object per line expected)`);
  return { instances };
}

function readSuiteFile(text: string, file: string): RawInstances {
  let json: unknown;
  try {
    json = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new EvalSetupError('suite', `${file}: not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
  const r = ShipwrightSuiteFile.safeParse(json);
  if (!r.success) throw new EvalSetupError('suite', `${file}: ${formatZodIssues(r.error)}`);
  const suite = r.data;
  return {
    name: suite.name,
    mirrorDir: suite.mirrorDir,
    instances: suite.instances.map((inst, i) => {
      const where = `instances[${i}] (${inst.id})`;
      let ticket: unknown;
      try {
        if (typeof inst.ticket === 'string') ticket = parseTicket(inst.ticket, `${file}#${inst.id}`);
        else {
          const t = InlineTicket.safeParse(inst.ticket);
          if (!t.success) throw new Error(formatZodIssues(t.error));
          ticket = { ...t.data, id: slugFromTitle(inst.id), source: `${file}#${inst.id}` };
        }
      } catch (e) {
        throw new EvalSetupError('suite', `${file}: ${where}: ticket: ${(e as Error).message}`);
      }
      return {
        where,
        input: { ...suite.defaults, ...definedOnly(inst), ticket },
      };
    }),
  };
}

/** The instance's own fields, minus those it left undefined (so a suite default is not overwritten by nothing). */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>; // same keys, fewer of them
}

/** A relative local path made absolute; URLs, `owner/name` and absolute paths as they are. */
function localOrRemote(repo: string, dir: string): string {
  if (path.isAbsolute(repo) || /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo)) return repo;
  if (repo.startsWith('.')) return path.resolve(dir, repo);
  return /^[\w.-]+\/[\w.-]+$/.test(repo) ? repo : path.resolve(dir, repo);
}
