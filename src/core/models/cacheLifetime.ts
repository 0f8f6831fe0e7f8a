import type { Price } from '../config/shipwrightConfig';
import { cacheWrite1hPrice } from './priceCall';

/** Lifetimes of an Anthropic cache entry, ms: 5 minutes by default, 1 hour with `ttl: '1h'` (prompt-caching docs). */
export const CACHE_5M_MS = 5 * 60_000;
export const CACHE_1H_MS = 60 * 60_000;
/**
 * A measured gap is taken as this share of a lifetime at most: the next gap is rarely the same (a test run, a
 * person's review), and an entry that expires a second before its reader is a write for nothing.
 */
const SAFE_SHARE = 0.8;

/** How a call's prompt should be cached: `5m`, `1h`, or `none` (no breakpoint). */
export type CacheLifetime = '5m' | '1h' | 'none';

/**
 * The cache lifetime that pays for a call whose stable prefix up to `readers` later calls may read, the first after
 * `gapMs` (measured: the time between this call and the one before it that it follows, e.g. across a test run),
 * each following with probability `retryProbability` (0–1; the k-th reader comes with probability p^k, so the
 * expected reads are p + p² + … + p^readers; 1 = every reader surely comes).
 * Per token of prefix, a write costs (write price − input price) more than sending it uncached, and each read saves
 * (input price − read price); the write must be recovered by the expected reads:
 * - within 5 minutes (with margin): `5m` when expected reads × saving > the 5-minute premium (on the 5.5 models
 *   0.95× against 0.25×: a retry must be more likely than ≈ 26 % with one reader);
 * - within 1 hour: `1h` when the reads recover the 1-hour premium (2× input: one sure read at 0.95× does not, two do);
 * - otherwise, or with no reader, or a free model: `none`.
 * Prices in USD per million tokens (`Price`); `gapMs` in ms; `readers` ≥ 0.
 */
export function cacheLifetime(price: Price, gapMs: number, readers: number, retryProbability = 1): CacheLifetime {
  const p = Math.min(1, Math.max(0, retryProbability));
  let expected = 0;
  for (let k = 1; k <= readers; k++) expected += p ** k;
  const saving = expected * (price.input - price.cacheRead);
  if (readers <= 0 || saving <= 0) return 'none';
  if (gapMs <= CACHE_5M_MS * SAFE_SHARE) return saving > price.cacheWrite - price.input ? '5m' : 'none';
  if (gapMs <= CACHE_1H_MS * SAFE_SHARE) return saving > cacheWrite1hPrice(price) - price.input ? '1h' : 'none';
  return 'none';
}
