import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EvalSetupError } from './evalSetupError';

/** Where an instance's repository is cloned from. `remote` is a URL only when no local copy was found. */
export type RepoSource = { kind: 'local'; path: string } | { kind: 'remote'; url: string };

/** `owner/name` of a GitHub URL or of a SWE-bench `repo` field; undefined for anything else. */
export function ownerAndName(repo: string): { owner: string; name: string } | undefined {
  const m = /^(?:(?:https?|git|ssh):\/\/(?:[^@/]+@)?github\.com\/|git@github\.com:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(repo);
  return m ? { owner: m[1], name: m[2] } : undefined;
}

/**
 * Finds an instance's repository: an absolute path as it is (it must exist); a git URL or `owner/name` in
 * `mirrorDir` when one is set, under any of `owner+name` (the layout of a GitHub mirror fetched by tooling),
 * `owner/name`, `owner__name` (SWE-bench's image naming), `name`, each with or without `.git` or holding the repository
 * in a `repo` folder (`owner+name/repo`). A URL with no
 * local copy is returned as remote (it is then cloned over the network); an `owner/name` with none is an error.
 * @throws EvalSetupError('repo') when a local path is missing or an `owner/name` is not mirrored
 */
export async function resolveRepo(repo: string, mirrorDir: string | undefined): Promise<RepoSource> {
  if (path.isAbsolute(repo)) {
    if (!(await isDir(repo))) throw new EvalSetupError('repo', `repository ${repo} does not exist`);
    return { kind: 'local', path: repo };
  }
  const on = ownerAndName(repo);
  if (mirrorDir && on) {
    for (const base of [`${on.owner}+${on.name}`, path.join(on.owner, on.name), `${on.owner}__${on.name}`, on.name]) {
      for (const candidate of [base, `${base}.git`, path.join(base, 'repo')]) {
        const p = path.join(mirrorDir, candidate);
        if ((await isDir(path.join(p, '.git'))) || (await isFile(path.join(p, 'HEAD')))) return { kind: 'local', path: p };
      }
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo)) return { kind: 'remote', url: repo };
  throw new EvalSetupError('repo', `repository ${repo} is not in the mirror folder ${mirrorDir ?? '(none set: --mirror DIR or SHIPWRIGHT_EVAL_MIRROR)'}; clone it there as ${on ? `${on.owner}+${on.name}` : repo}`);
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}
