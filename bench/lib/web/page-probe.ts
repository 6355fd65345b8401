/**
 * Runs in the page (an init script, or page.evaluate for the bare reference): stamps each
 * board event as it arrives, before the app's own listener, and the moment the DOM first
 * shows the ticket that event newly called. Speech is stubbed to end at once: the board's
 * own work is measured, not a speech engine's.
 */
export const probeSource = `(() => {
  const g = globalThis;
  g.__latencies = [];
  g.__received = 0;
  let shown = new Set();
  let pending = null;
  const check = () => {
    if (pending === null) return;
    const text = document.body.textContent || '';
    if (pending.tickets.every((t) => text.includes(t))) {
      g.__latencies.push(performance.now() - pending.at);
      pending = null;
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  g.__onBoardData = (raw) => {
    g.__received += 1;
    const data = JSON.parse(raw);
    const now = new Set();
    for (const d of data.departments) for (const c of d.nowServing) now.add(c.ticket);
    const fresh = [...now].filter((t) => !shown.has(t));
    shown = now;
    if (fresh.length > 0) pending = { at: performance.now(), tickets: fresh };
  };
  const Native = g.EventSource;
  if (Native && !Native.__probed) {
    g.EventSource = class extends Native {
      constructor(url, init) {
        super(url, init);
        for (const type of ['snapshot', 'board.updated']) {
          super.addEventListener(type, (e) => g.__onBoardData(e.data));
        }
      }
    };
    g.EventSource.__probed = true;
  }
  if ('speechSynthesis' in g) {
    g.speechSynthesis.speak = (u) => setTimeout(() => u.dispatchEvent(new Event('end')), 0);
    g.speechSynthesis.cancel = () => {};
  }
})();`;

/**
 * The reference: the same stream and the same probe, handled by the least a page can do
 * (parse, write one line of text) instead of the board app.
 */
export const bareBoardSource = `async ({ boardId, token }) => {
  const issued = await fetch('/api/v1/stream-tickets', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
    body: '{}',
  });
  const { ticket } = await issued.json();
  document.body.innerHTML = '<div id="out"></div>';
  const out = document.getElementById('out');
  const es = new EventSource('/api/v1/boards/' + boardId + '/events?ticket=' + ticket);
  const show = (e) => {
    const data = JSON.parse(e.data);
    out.textContent = data.departments.map((d) => d.nowServing.map((c) => c.ticket + ' ' + c.roomName).join(' ')).join(' | ');
  };
  es.addEventListener('snapshot', show);
  es.addEventListener('board.updated', show);
  await new Promise((resolve) => es.addEventListener('snapshot', resolve, { once: true }));
}`;
