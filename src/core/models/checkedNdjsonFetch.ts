import { ProviderError } from './providerError';

/**
 * A `fetch` that checks every line of an NDJSON (`application/x-ndjson`) response body before the client sees
 * it. ollama-js's stream parser skips a line it cannot parse with a console warning and goes on
 * (`parseJSON` in node_modules/ollama/src/utils.ts), so a corrupted line silently cuts a piece out of an answer
 * that may still parse. Here the first line that is not valid JSON errors the stream with an `unreadable`
 * ProviderError (the call then falls through to the next model). Blank lines pass; other content types pass
 * unchanged.
 */
export function checkedNdjsonFetch(inner: typeof fetch, who: { provider: string; model: string }): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.body || !/application\/x-ndjson/i.test(response.headers.get('content-type') ?? '')) return response;
    return new Response(response.body.pipeThrough(lineChecker(who)), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Passes bytes through unchanged while checking each complete line (and the last one at the end) is JSON. */
function lineChecker(who: { provider: string; model: string }): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let line = 0;
  /** False (and the stream errored) when `text` is not JSON. */
  const check = (text: string, controller: TransformStreamDefaultController<Uint8Array>): boolean => {
    line += 1;
    if (text.trim() === '') return true;
    try {
      JSON.parse(text);
      return true;
    } catch {
      const preview = text.length > 120 ? `${text.slice(0, 120)}…` : text;
      controller.error(new ProviderError('unreadable', `line ${line} of the ${who.provider} stream is not JSON (the answer would be missing a piece): ${JSON.stringify(preview)}`, who));
      return false;
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) if (!check(l, controller)) return;
      controller.enqueue(chunk);
    },
    flush(controller) {
      pending += decoder.decode();
      if (pending !== '') check(pending, controller);
    },
  });
}
