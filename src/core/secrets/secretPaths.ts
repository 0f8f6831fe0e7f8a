/**
 * Files that hold secrets and are never read into a prompt, as globs over repository-relative paths: a pattern
 * without `/` matches a file or folder name at any depth (`.env*` matches `pkg/.env.local`); one with `/`
 * matches from the root; `*` stays within a name, `**` spans folders. A match on any folder of the path counts
 * (`.ssh` hides everything under it).
 */
export const DEFAULT_SECRET_FILES = [
  '.env', '.env.*', '*.env', '.envrc',
  '*.pem', '*.key', '*.p12', '*.pfx', '*.jks', '*.keystore', '*.kdbx', '*.asc', '*.gpg',
  'id_rsa*', 'id_dsa*', 'id_ecdsa*', 'id_ed25519*', '.ssh', '.gnupg', '.aws', '.azure', '.gcloud', '.kube', '.docker',
  '.npmrc', '.yarnrc.yml', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.pgpass', '.htpasswd',
  'credentials', 'credentials.*', '*credentials*.json', 'service-account*.json', 'secrets', 'secrets.*', '*.secret', '*.secrets',
  '*.tfvars', '*.tfstate', 'terraform.tfstate*', 'auth.json', '.vault-token',
];

/** One glob as the body of a regular expression over a whole name or path (see DEFAULT_SECRET_FILES for the syntax). */
function globToSource(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return re;
}

/** A pattern list as two expressions: one for the globs matched against a single name, one for those with a `/`. */
interface CompiledPatterns {
  names?: RegExp;
  paths?: RegExp;
}

/**
 * Compiled pattern lists, by list. One alternation per kind instead of one expression per glob: the map's first
 * scan asks about every tracked file (2,000 files × 47 default globs × each folder of the path was 30 ms a ticket).
 */
const compiled = new WeakMap<readonly string[], CompiledPatterns>();
function compile(patterns: readonly string[]): CompiledPatterns {
  let c = compiled.get(patterns);
  if (c === undefined) {
    const either = (globs: readonly string[]): RegExp | undefined => (globs.length === 0 ? undefined : new RegExp(`^(?:${globs.map(globToSource).join('|')})$`, 'i'));
    c = { names: either(patterns.filter((p) => !p.includes('/'))), paths: either(patterns.filter((p) => p.includes('/'))) };
    compiled.set(patterns, c);
  }
  return c;
}

/**
 * True when a repository-relative path (with `/` or `\`) is, or lies inside, a secret file or folder by
 * `patterns`. Case-insensitive, and trailing dots/spaces are ignored (`.ENV.` is `.env` on Windows and macOS).
 */
export function isSecretPath(rel: string, patterns: readonly string[] = DEFAULT_SECRET_FILES): boolean {
  const segments = rel.split(/[\\/]+/).filter((s) => s !== '' && s !== '.').map((s) => s.replace(/[. ]+$/, '') || s);
  const { names, paths } = compile(patterns);
  if (names !== undefined && segments.some((s) => names.test(s))) return true;
  if (paths !== undefined) for (let i = 1; i <= segments.length; i++) if (paths.test(segments.slice(0, i).join('/'))) return true;
  return false;
}
