import { NEVER_PASSED_ENV } from './sandboxSettings';

/** Names that look like credentials: dropped from an unconfined command's environment unless the project lists them. */
const SECRET_NAME = /(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIALS?|AUTH|SESSION|COOKIE|PRIVATE)(?:_|$)/i;

/** Variables every command gets whatever the configuration: test runners read them to stay out of watch mode and colour. */
const FIXED = { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' } as const;

/** Variables a confined command keeps from the engine's own environment (tools need them to start at all). */
const KEPT_CONFINED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];

/**
 * The environment of a command the engine runs. Confined (bubblewrap): only PATH, locale and time zone, a blank
 * HOME (`home`, an empty private folder inside the sandbox), TMPDIR=/tmp, PYTHONPYCACHEPREFIX under it, TERM=dumb,
 * CI=true, NO_COLOR, plus the
 * names in `allow`. Unconfined: the engine's environment without any variable whose name looks like a
 * credential (`*_API_KEY`, `*_TOKEN`, `*SECRET*`…) unless listed in `allow`. Either way the model providers' keys
 * ({@link NEVER_PASSED_ENV}) are never passed: a test that prints one would send it to the next prompt.
 */
export function sandboxEnv(opts: { confined: boolean; home: string; allow: readonly string[]; from?: NodeJS.ProcessEnv }): Record<string, string> {
  const from = opts.from ?? process.env;
  const allowed = new Set(opts.allow.filter((n) => !NEVER_PASSED_ENV.has(n.toUpperCase())));
  const env: Record<string, string> = {};
  if (opts.confined) {
    for (const name of KEPT_CONFINED) {
      const v = from[name];
      if (v !== undefined) env[name] = v;
    }
    env.HOME = opts.home;
    env.TMPDIR = '/tmp';
    // Python's bytecode cache in the run's private /tmp, read and written there only: a `.pyc` that code under test
    // left in a `__pycache__` of the worktree (an unchecked-hash one is never compared with its source, PEP 552)
    // would otherwise run instead of the source in every later run. https://docs.python.org/3/using/cmdline.html#envvar-PYTHONPYCACHEPREFIX
    env.PYTHONPYCACHEPREFIX = '/tmp/pycache';
    env.TERM = 'dumb';
  } else {
    for (const [name, v] of Object.entries(from)) {
      if (v === undefined || NEVER_PASSED_ENV.has(name.toUpperCase())) continue;
      if (SECRET_NAME.test(name) && !allowed.has(name)) continue;
      env[name] = v;
    }
  }
  for (const name of allowed) {
    const v = from[name];
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...FIXED };
}
