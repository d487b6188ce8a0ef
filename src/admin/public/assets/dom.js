// Small DOM helpers: every value goes in as text, never as HTML.

/** h('a', { href: '/x', class: 'y' }, 'text', child) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

export const byId = (id) => document.getElementById(id);

export function dash(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

export function dateTime(iso) {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function yesNo(value) {
  return value ? 'Yes' : 'No';
}

/** A table from column definitions: [{ label, value: (row) => text or Node }]. */
export function table(columns, rows, { empty = 'Nothing to show', id } = {}) {
  if (rows.length === 0) return h('p', { class: 'empty', id }, empty);
  return h(
    'table',
    { id },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((column) => h('th', { scope: 'col' }, column.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          {},
          columns.map((column) => h('td', {}, column.value(row))),
        ),
      ),
    ),
  );
}

/** Shows a message in a status element: kind is 'ok', 'error' or 'info'. */
export function say(element, text, kind = 'info') {
  element.textContent = text;
  element.className = `notice ${kind}`;
  element.hidden = !text;
}

/** A message naming each bad field of a refused request. */
export function problemText(error) {
  const fields = Object.entries(error.fields ?? {});
  return fields.length ? `${error.message}: ${fields.map(([path, reason]) => `${path} ${reason}`).join('; ')}` : error.message;
}

/** "Page 2 of 9 (431)" with previous and next buttons; calls go(page). */
export function pager(pageData, go) {
  const pages = Math.max(1, Math.ceil(pageData.totalItems / pageData.pageSize));
  return h(
    'nav',
    { class: 'pager', 'aria-label': 'pages' },
    h('button', { type: 'button', class: 'secondary', disabled: pageData.page <= 1, onclick: () => go(pageData.page - 1) }, '‹ Previous'),
    h('span', {}, `Page ${pageData.page} of ${pages} (${pageData.totalItems})`),
    h('button', { type: 'button', class: 'secondary', disabled: pageData.page >= pages, onclick: () => go(pageData.page + 1) }, 'Next ›'),
  );
}
