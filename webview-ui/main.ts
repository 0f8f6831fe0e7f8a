import { assertNever } from '../src/shared/assertNever';
import { HostMessage, type WebviewMessage } from '../src/shared/panelMessage';
import { elapsed } from './dom';
import { renderPanel } from './renderPanel';
import { vscodeApi } from './vscodeApi';

/** Sends a typed message to the extension host. */
function post(message: WebviewMessage): void {
  vscodeApi.postMessage(message);
}

const app = document.getElementById('app');
const announce = document.getElementById('announce');
let lastAnnounced = '';

// Every message is parsed: the page only trusts what fits the shared schema.
window.addEventListener('message', (ev: MessageEvent<unknown>) => {
  const parsed = HostMessage.safeParse(ev.data);
  if (!parsed.success || !app) return;
  const m = parsed.data;
  switch (m.type) {
    case 'snapshot': {
      // Re-rendering replaces the DOM; keep keyboard focus on the control with the same key.
      const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.key : undefined;
      app.replaceChildren(renderPanel(m.state, post));
      app.setAttribute('aria-busy', 'false');
      if (focusKey) app.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)?.focus();
      // The panel is re-rendered on every event; only this short line is a live region, so a screen reader
      // hears the selected ticket's progress, not the whole panel again.
      const sel = m.state.selected;
      const running = sel?.phases.find((p) => p.status === 'running');
      const line = sel ? `${sel.title}: ${sel.state}${running ? `, ${running.phase} running${sel.running ? ` on ${sel.running.modelKey}` : ''}` : ''}` : '';
      if (announce && line !== lastAnnounced) announce.textContent = lastAnnounced = line;
      break;
    }
    default:
      assertNever(m.type, 'host message');
  }
});

// Arrow keys move between the rows of a list (tickets, files): Up/Down to the previous/next, Home/End to the ends.
document.addEventListener('keydown', (ev) => {
  const el = ev.target instanceof HTMLElement ? ev.target : undefined;
  const kind = el?.dataset.row;
  if (!el || !kind || !['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(ev.key)) return;
  const rows = Array.from(document.querySelectorAll<HTMLElement>(`[data-row="${CSS.escape(kind)}"]`));
  const at = rows.indexOf(el);
  const next = ev.key === 'Home' ? rows[0] : ev.key === 'End' ? rows[rows.length - 1] : rows[at + (ev.key === 'ArrowDown' ? 1 : -1)];
  if (next) {
    ev.preventDefault();
    next.focus();
  }
});

// Running phases carry a clock; it counts in the page every second, with no message from the host.
setInterval(() => {
  for (const el of Array.from(document.querySelectorAll<HTMLElement>('.clock[data-since]'))) {
    el.textContent = elapsed(Date.now() - Date.parse(el.dataset.since ?? ''));
  }
}, 1000);

post({ type: 'ready' });
