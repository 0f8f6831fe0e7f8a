/**
 * Known shapes of credentials, each with its source. Matched text is replaced by `[redacted <kind>]`.
 * Sources: Anthropic keys `sk-ant-api03-…` / `sk-ant-admin01-…` (console.anthropic.com key format); OpenAI
 * `sk-…` / `sk-proj-…` (platform.openai.com API keys page); GitHub `ghp_ gho_ ghu_ ghs_ ghr_` + 36 chars and
 * `github_pat_` (github.blog 2021-04-05 "Behind GitHub's new authentication token formats"); AWS access key ids
 * `AKIA…`/`ASIA…` (AWS IAM user guide, "Understanding unique ID prefixes"); Slack `xox[abposr]-`
 * (api.slack.com/authentication/token-types); Google API keys `AIza` + 35 (cloud.google.com API keys docs);
 * Stripe `sk_live_`/`rk_live_`; npm `npm_` + 36 (github.blog 2021-09-23 npm token format); JWTs (RFC 7519:
 * three base64url parts, the first two JSON starting `eyJ`); PEM private keys (RFC 7468).
 */
const SHAPES: { kind: string; re: RegExp }[] = [
  { kind: 'private key', re: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|$)/g },
  { kind: 'Anthropic key', re: /\bsk-ant-[A-Za-z0-9_-]{8,}/g },
  { kind: 'OpenAI key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g },
  { kind: 'AWS access key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { kind: 'Slack token', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}/g },
  { kind: 'Stripe key', re: /\b[rs]k_(?:live|test)_[0-9A-Za-z]{16,}/g },
  { kind: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'URL credentials', re: /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)[^\s@/]{3,}(?=@)/gi },
  { kind: 'JWT', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  // `password=…`, `api_key: "…"`, `AWS_SECRET_ACCESS_KEY=…` in env dumps and config prints: keep the name, drop the value.
  { kind: 'secret value', re: /\b([A-Za-z0-9_.-]*(?:PASSWORD|PASSWD|SECRET|API_?KEY|ACCESS_?KEY|AUTH_?TOKEN|PRIVATE_?KEY|TOKEN)[A-Za-z0-9_.-]*["']?\s*[:=]\s*["']?)([^\s"',;]{6,})/gi },
];

/** Environment variables whose values the engine knows are secrets: their exact values are redacted wherever they appear. */
const SECRET_ENV = /(?:API_?KEY|TOKEN|SECRET|PASSWORD|CREDENTIAL)/i;

/** The shapes specific enough that a match in a source file is a credential, not code (vendor prefixes, PEM keys). */
const DISTINCT = new Set(['private key', 'Anthropic key', 'OpenAI key', 'GitHub token', 'AWS access key', 'Slack token', 'Google API key', 'Stripe key', 'npm token']);

/** The engine's secret-named environment variables (`*API_KEY*`, `*TOKEN*`, `*SECRET*`…) with values of 8 characters or more. */
export function secretEnvValues(env: NodeJS.ProcessEnv): { name: string; value: string }[] {
  return Object.entries(env).flatMap(([name, value]) => (value !== undefined && value.length >= 8 && SECRET_ENV.test(name) ? [{ name, value }] : []));
}

/**
 * Credentials in a file's text by the distinct shapes above (vendor-prefixed keys and tokens, PEM private keys;
 * not the loose `password=…`, URL or JWT shapes, which sample code and test fixtures hold legitimately): the
 * kind and the matched text of each.
 */
export function credentialsIn(text: string): { kind: string; match: string }[] {
  return SHAPES.filter((s) => DISTINCT.has(s.kind)).flatMap(({ kind, re }) => [...text.matchAll(re)].map((m) => ({ kind, match: m[0] })));
}

/**
 * Replaces credentials in untrusted text (test output, set-up output, file content) before it can reach a
 * prompt, a log or a deliverable: the exact `known` values (e.g. those of the worktree's secret files, see
 * secretValues), the exact values of the engine's own secret-named environment variables (≥ 8 characters), then
 * the known shapes above. Returns the text and how many were redacted. A secret split by the output trimmer's
 * cut marker may leave a few characters on either side of the marker.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env, known: readonly string[] = []): { text: string; redacted: number } {
  let redacted = 0;
  let out = text;
  for (const value of [...known].sort((a, b) => b.length - a.length)) {
    if (value.length < 8) continue;
    const parts = out.split(value);
    if (parts.length > 1) {
      redacted += parts.length - 1;
      out = parts.join('[redacted value of a secret file]');
    }
  }
  for (const { name, value } of secretEnvValues(env)) {
    const parts = out.split(value);
    if (parts.length > 1) {
      redacted += parts.length - 1;
      out = parts.join(`[redacted ${name}]`);
    }
  }
  for (const { kind, re } of SHAPES) {
    out = out.replace(re, (...m: unknown[]) => {
      redacted += 1;
      // The `secret value` shape keeps its name part (group 1); the others replace the whole match.
      return kind === 'secret value' || kind === 'URL credentials' ? `${String(m[1])}[redacted]` : `[redacted ${kind}]`;
    });
  }
  return { text: out, redacted };
}
