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

/** One glob as a regular expression over a whole name or path (see DEFAULT_SECRET_FILES for the syntax). */
function globToRegExp(glob: string): RegExp {
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
  return new RegExp(`^${re}$`, 'i');
}

const compiled = new Map<string, RegExp>();
function regexOf(glob: string): RegExp {
  let re = compiled.get(glob);
  if (re === undefined) {
    re = globToRegExp(glob);
    compiled.set(glob, re);
  }
  return re;
}

/**
 * True when a repository-relative path (with `/` or `\`) is, or lies inside, a secret file or folder by
 * `patterns`. Case-insensitive, and trailing dots/spaces are ignored (`.ENV.` is `.env` on Windows and macOS).
 */
export function isSecretPath(rel: string, patterns: readonly string[] = DEFAULT_SECRET_FILES): boolean {
  const segments = rel.split(/[\\/]+/).filter((s) => s !== '' && s !== '.').map((s) => s.replace(/[. ]+$/, '') || s);
  for (const p of patterns) {
    const re = regexOf(p);
    if (p.includes('/')) {
      for (let i = 1; i <= segments.length; i++) if (re.test(segments.slice(0, i).join('/'))) return true;
    } else if (segments.some((s) => re.test(s))) return true;
  }
  return false;
}
