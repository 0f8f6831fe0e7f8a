import { z } from 'zod';

/**
 * Environment variables that are never passed to a command Shipwright runs, even when a project lists them:
 * the model providers' credentials. A test that prints one would send it to the next prompt.
 */
export const NEVER_PASSED_ENV = new Set([
  'ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'OPENAI_API_KEY', 'OPENAI_ORG_ID', 'OPENAI_PROJECT_ID',
  'AZURE_OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY',
  'OPENROUTER_API_KEY', 'DEEPSEEK_API_KEY', 'TOGETHER_API_KEY', 'XAI_API_KEY', 'HF_TOKEN',
]);

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
  .refine((n) => !NEVER_PASSED_ENV.has(n.toUpperCase()), { message: 'model provider credentials are never passed to commands Shipwright runs' });
const AbsolutePath = z.string().refine((p) => p.startsWith('/'), { message: 'an absolute path' });

/**
 * How commands the engine runs in a ticket's worktree (the test command, the set-up command) are confined.
 * `mode: "auto"` uses bubblewrap on Linux (and refuses to run unconfined when it is missing or cannot start);
 * elsewhere it runs unconfined and says so once. `"off"` runs unconfined everywhere. Everything not listed is
 * denied: the environment is clean (PATH, a blank HOME, locale, CI=true) plus `env`; the network is off unless
 * `network`; the file system is read-only except the worktree, a private /tmp and `paths.write`; the user's home,
 * their checkout and other worktrees are hidden except `paths.read`.
 * The string forms `"auto"` and `"off"` are accepted for `mode` alone.
 */
export const SandboxSettings = z.preprocess(
  (v) => (typeof v === 'string' ? { mode: v } : v),
  z.object({
    mode: z.enum(['auto', 'off']).default('auto'),
    /** Names of environment variables passed through to commands (never the provider keys above). */
    env: z.array(EnvName).default([]),
    /** Network for the test command. Off by default: a test has no reason to reach the internet or local services. */
    network: z.boolean().default(false),
    /**
     * Network for the set-up command (e.g. `npm ci` must download). On by default: set-up runs once, on the
     * commit the ticket starts from, before a model has written anything (an epic child's base also holds its
     * dependencies' merged work).
     */
    setupNetwork: z.boolean().default(true),
    /**
     * Whether test runs may write inside what Shipwright copied into the worktree (the copied node_modules, the
     * `worktree.copy` entries such as `.venv`). Off by default: the code the tests run is model-written, and a
     * runner it rewrote there (`node_modules/.bin/…` made to `exit 0`) would pass every later run while no diff a
     * person reads shows it. The caches runners keep there (node_modules/.cache, .vite, .vitest) stay writable.
     * Turn on for a test script that generates into node_modules (`prisma generate` in `pretest`).
     */
    writableDependencies: z.boolean().default(false),
    /** Extra absolute paths: `read` is bound read-only (e.g. a toolchain under the home), `write` read-write. */
    paths: z.object({ read: z.array(AbsolutePath).default([]), write: z.array(AbsolutePath).default([]) }).default({ read: [], write: [] }),
  }),
);
export type SandboxSettings = z.infer<typeof SandboxSettings>;

/** The defaults, for configs written before the sandbox existed. */
export const DEFAULT_SANDBOX: SandboxSettings = SandboxSettings.parse({});
