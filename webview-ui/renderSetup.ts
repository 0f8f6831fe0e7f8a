import type { ModelSetupView } from '../src/shared/viewState';
import { h } from './dom';
import type { Post } from './renderPanel';

/** A check line: a mark (✓ or ✕, with the word for screen readers), the text, and the fix when it failed. */
function check(ok: boolean, text: string, fix?: HTMLElement | false): HTMLElement {
  return h('li', { class: ok ? 'check ok' : 'check bad' },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, ok ? '✓' : '✕'),
    h('span', { class: 'sr-only' }, ok ? 'OK: ' : 'Problem: '),
    h('span', { class: 'check-text' }, text),
    fix || undefined,
  );
}

/**
 * The set-up section: which models Shipwright will use for each phase, whether Ollama answers and which of its
 * models are pulled, whether an Anthropic key is set, and the fix for each problem in place. Open (and first)
 * while something is missing or no ticket exists yet; folded to one line once everything can run.
 */
export function renderSetup(setup: ModelSetupView | undefined, checking: boolean, hasTickets: boolean, post: Post): HTMLElement {
  const again = h('button', { type: 'button', class: 'secondary', 'data-key': 'check-models', onclick: () => post({ type: 'checkModels' }), disabled: checking }, checking ? 'Checking…' : 'Check again');
  if (!setup) {
    return h('section', { class: 'setup', 'aria-labelledby': 'setup-title', 'data-testid': 'setup' },
      h('h2', { id: 'setup-title' }, 'Models'),
      h('p', { class: 'muted', role: 'status' }, checking ? 'Checking which models can run…' : 'Not checked yet.'),
      h('div', { class: 'actions' }, again),
    );
  }
  const o = setup.ollama;
  const usesOllama = setup.phases.some((p) => p.skipped.some((s) => /Ollama|pulled/.test(s.why))) || setup.phases.some((p) => p.provider === 'ollama');
  const checks = h('ul', { class: 'checks', 'aria-label': 'What was checked' },
    check(
      o.reachable,
      o.reachable ? `Ollama answers at ${o.host} (${o.pulled.length} model${o.pulled.length === 1 ? '' : 's'} pulled)` : `Ollama is not answering at ${o.host}: ${o.problem ?? 'no answer'}`,
      !o.reachable && usesOllama && h('button', { type: 'button', class: 'link', 'data-key': 'set-ollama-host', onclick: () => post({ type: 'setOllamaHost' }) }, 'Set Ollama host…'),
    ),
    ...setup.notPulled.map((m) => check(false, `${m} is not pulled`,
      h('button', { type: 'button', class: 'link', 'data-key': `copy-pull:${m}`, 'aria-label': `Copy the command ollama pull ${m}`, title: `ollama pull ${m}`, onclick: () => post({ type: 'copyPull', model: m }) }, 'Copy pull command'))),
    check(
      setup.anthropic.hasKey,
      setup.anthropic.hasKey ? 'Anthropic API key is set' : 'No Anthropic API key',
      h('button', { type: 'button', class: 'link', 'data-key': 'set-api-key', onclick: () => post({ type: 'setApiKey' }) }, setup.anthropic.hasKey ? 'Change key…' : 'Set API key…'),
    ),
  );
  const roles = h('ul', { class: 'phase-models', 'aria-label': 'The model each phase will run on' },
    ...setup.phases.map((p) => h('li', { class: p.modelKey ? 'ok' : 'bad', 'data-role': p.phase, 'data-model': p.modelKey ?? '' },
      h('span', { class: 'role' }, p.phase),
      p.modelKey
        ? h('span', { class: 'model', title: p.skipped.length ? `Skipped: ${p.skipped.map((s) => `${s.modelKey} (${s.why})`).join(', ')}` : `First in the ${p.phase} chain` },
            `${p.modelKey}${p.local ? ' · local' : ' · cloud'}`, p.skipped.length ? h('span', { class: 'muted' }, ` (not ${p.skipped.map((s) => s.modelKey).join(', ')})`) : undefined)
        : h('span', { class: 'model problem' }, h('span', { 'aria-hidden': 'true' }, '✕ '), 'nothing can run'),
    )),
  );
  const body = [
    h('p', { class: 'muted' }, 'Each phase runs on the first model of its chain that can answer.'),
    checks,
    h('h3', {}, 'Who runs what'),
    roles,
    h('div', { class: 'actions' },
      again,
      h('button', { type: 'button', class: 'secondary', 'data-key': 'pick-model', onclick: () => post({ type: 'pickModel' }) }, 'Use another model…'),
    ),
  ];
  const status = setup.ready ? 'ready' : 'not ready';
  if (setup.ready && hasTickets) {
    return h('details', { class: 'setup folded', 'data-testid': 'setup', 'data-ready': 'true' },
      h('summary', {}, h('span', { class: 'mark ok', 'aria-hidden': 'true' }, '✓ '), `Models ${status}`),
      ...body,
    );
  }
  return h('section', { class: `setup ${setup.ready ? '' : 'attention'}`, 'aria-labelledby': 'setup-title', 'data-testid': 'setup', 'data-ready': String(setup.ready) },
    h('h2', { id: 'setup-title' }, setup.ready ? 'Models: ready' : 'Models: not ready yet'),
    ...body,
  );
}
