import type { ProviderError } from './providerError';

/**
 * Providers stopped for the rest of a run, by the run's AbortSignal (one per run or resume, so a resume after the
 * user fixed the billing starts clean). A `billing` error (spend cap, billing problem, exhausted quota) fails the
 * same way for every model of the provider "until access resumes", so no other model of it is tried.
 */
const stopped = new WeakMap<AbortSignal, Map<string, ProviderError>>();

/** The billing error that stopped `provider` in this run, if any. */
export function providerStop(run: AbortSignal, provider: string): ProviderError | undefined {
  return stopped.get(run)?.get(provider);
}

/** Stops `provider` for the rest of the run; true when it was not stopped before (say so once). */
export function stopProvider(run: AbortSignal, provider: string, error: ProviderError): boolean {
  const forRun = stopped.get(run) ?? new Map<string, ProviderError>();
  stopped.set(run, forRun);
  if (forRun.has(provider)) return false;
  forRun.set(provider, error);
  return true;
}
