/**
 * The UI's only browser script, served as /assets/ui.js. It is type-checked with the rest of the
 * project: the few browser APIs it uses are declared below (the project's lib has no DOM, and
 * adding it would change Node's timer types everywhere). The function is sent as its own source,
 * so it must not use anything from outside its body.
 *
 * What it does: draws the charts whose Chart.js configurations the server put in
 * <script type="application/json" data-chart="canvas-id"> blocks, and lets j/k or ↓/↑ move
 * between the rows of a list ([data-nav-list] > [data-nav-item]), Enter opening the focused row.
 */

interface MiniElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
  readonly isContentEditable: boolean;
  closest(selector: string): MiniElement | null;
  querySelector(selector: string): MiniElement | null;
  querySelectorAll(selector: string): ArrayLike<MiniElement>;
  focus(): void;
  classList: { add(name: string): void; remove(name: string): void };
  scrollIntoView(options: { block: 'nearest' }): void;
}

interface MiniKeyboardEvent {
  readonly key: string;
  readonly target: MiniElement | null;
  readonly altKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  preventDefault(): void;
}

interface MiniDocument {
  readonly activeElement: MiniElement | null;
  readonly documentElement: MiniElement;
  getElementById(id: string): MiniElement | null;
  querySelectorAll(selector: string): ArrayLike<MiniElement>;
  addEventListener(type: 'keydown', listener: (event: MiniKeyboardEvent) => void): void;
}

declare const document: MiniDocument;
interface ChartStatic {
  new (canvas: MiniElement, config: unknown): unknown;
  defaults: { plugins: { legend: { labels: { filter: (item: { text: string }) => boolean } } } };
}
declare const Chart: ChartStatic | undefined;

export function uiClient(): void {
  const charts = document.querySelectorAll('script[data-chart]');
  // A dataset labelled '' is a helper (the lower edge of a band): keep it out of the legend.
  if (typeof Chart !== 'undefined')
    Chart.defaults.plugins.legend.labels.filter = (item) => item.text !== '';
  for (let i = 0; i < charts.length; i++) {
    const block = charts[i]!;
    const canvas = document.getElementById(block.dataset.chart ?? '');
    if (canvas === null || typeof Chart === 'undefined') continue;
    new Chart(canvas, JSON.parse(block.textContent ?? '{}'));
  }
  document.documentElement.dataset.charts = String(charts.length);

  const editable = (element: MiniElement | null): boolean =>
    element !== null &&
    (element.isContentEditable || /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(element.tagName));

  const move = (step: number): boolean => {
    const active = document.activeElement;
    const current = active === null ? null : active.closest('[data-nav-item]');
    const list =
      (current === null ? null : current.closest('[data-nav-list]')) ??
      document.querySelectorAll('[data-nav-list]')[0] ??
      null;
    if (list === null) return false;
    const rows = list.querySelectorAll('[data-nav-item]');
    if (rows.length === 0) return false;
    let index = -1;
    for (let i = 0; i < rows.length; i++) if (rows[i] === current) index = i;
    const next = rows[Math.min(rows.length - 1, Math.max(0, index < 0 ? 0 : index + step))]!;
    const link = next.querySelector('a[href]') ?? next;
    if (current !== null) current.classList.remove('focused');
    next.classList.add('focused');
    link.focus();
    next.scrollIntoView({ block: 'nearest' });
    return true;
  };

  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || editable(event.target)) return;
    if (event.key === 'j' || event.key === 'ArrowDown') {
      if (move(1)) event.preventDefault();
    } else if (event.key === 'k' || event.key === 'ArrowUp') {
      if (move(-1)) event.preventDefault();
    } else if (event.key === '/') {
      const search = document.getElementById('q');
      if (search !== null) {
        event.preventDefault();
        search.focus();
      }
    }
  });
}

/** The script as served: the function's own (compiled) source, called once. */
export const UI_CLIENT_SCRIPT = `(${uiClient.toString()})();\n`;
