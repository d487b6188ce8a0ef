// Organisations and officers: the list, the Additional ID, "Look Up Smart Assessor ID", and each one's history of changes.
import { get, put } from './api.js';
import { byId, h, pager, problemText, replace, say, table } from './dom.js';
import { showHistory } from './history.js';

/**
 * kind: { path: 'organisations', noun: 'organisation', columns, lookUpQuery(record), lookUpColumns, lookUpPath }
 */
export function recordLinks(kind) {
  const status = byId('status');
  const lookUp = byId('lookup');
  const historyPanel = byId('history-panel');

  async function showRecordHistory(record) {
    historyPanel.hidden = false;
    byId('history-title').textContent = `History of changes: ${kind.noun} ${record.ref}`;
    try {
      await showHistory(byId('history'), `/api/${kind.path}/${encodeURIComponent(record.ref)}/history`);
    } catch (error) {
      replace(byId('history'), h('p', { class: 'notice error' }, error.message));
    }
  }

  async function saveId(record, additionalId) {
    try {
      await put(`/api/${kind.path}/${encodeURIComponent(record.ref)}/additional-id`, { additionalId });
      say(status, additionalId ? `${record.ref} linked to Smart Assessor ${additionalId}` : `${record.ref} unlinked`, 'ok');
      lookUp.hidden = true;
      await load();
    } catch (error) {
      say(status, problemText(error), 'error');
    }
  }

  async function showLookUp(record) {
    lookUp.hidden = false;
    replace(lookUp, h('h2', {}, `Look Up Smart Assessor ID for ${record.ref}`), h('p', {}, 'Searching Smart Assessor…'));
    try {
      const query = new URLSearchParams(kind.lookUpQuery(record));
      const found = await get(`/api/smart-assessor/${kind.lookUpPath}?${query}`);
      replace(
        lookUp,
        h('h2', {}, `Look Up Smart Assessor ID for ${record.ref}`),
        h('p', {}, `Smart Assessor records matching ${[...query.values()].join(', ')}:`),
        table(
          [
            ...kind.lookUpColumns,
            { label: 'Smart Assessor ID', value: (item) => item.id },
            {
              label: '',
              value: (item) => h('button', { type: 'button', class: 'secondary link-this', onclick: () => saveId(record, item.id) }, `Link ${record.ref} to ${item.id}`),
            },
          ],
          found.items,
          { empty: 'Smart Assessor has no match; enrolment will create one', id: 'lookup-results' },
        ),
        h('button', { type: 'button', class: 'link', onclick: () => (lookUp.hidden = true) }, 'Close'),
      );
    } catch (error) {
      replace(lookUp, h('h2', {}, `Look Up Smart Assessor ID for ${record.ref}`), h('p', { class: 'notice error' }, problemText(error)));
    }
  }

  function idEditor(record) {
    const input = h('input', { value: record.additionalId ?? '', 'aria-label': `Additional ID of ${record.ref}`, size: 10, maxlength: 64, class: 'additional-id' });
    return h(
      'form',
      {
        class: 'inline',
        onsubmit: (event) => {
          event.preventDefault();
          saveId(record, input.value.trim() === '' ? null : input.value.trim());
        },
      },
      input,
      h('button', { type: 'submit', class: 'secondary' }, 'Save'),
    );
  }

  async function load(page = 1) {
    const query = new URLSearchParams({ page: String(page), pageSize: '50' });
    const search = byId('search').value.trim();
    const linked = byId('linked').value;
    if (search) query.set('search', search);
    if (linked) query.set('linked', linked);
    try {
      const result = await get(`/api/${kind.path}?${query}`);
      replace(
        byId('results'),
        table(
          [
            ...kind.columns,
            { label: 'Additional ID (Smart Assessor)', value: idEditor },
            { label: '', value: (record) => h('button', { type: 'button', class: 'secondary look-up', onclick: () => showLookUp(record) }, 'Look Up Smart Assessor ID') },
            { label: '', value: (record) => h('button', { type: 'button', class: 'secondary show-history', onclick: () => showRecordHistory(record) }, 'History') },
          ],
          result.items,
          { empty: `No ${kind.noun} matches`, id: `${kind.noun}-table` },
        ),
        pager(result, load),
      );
    } catch (error) {
      say(status, error.message, 'error');
    }
  }

  byId('record-filter').addEventListener('submit', (event) => {
    event.preventDefault();
    load(1);
  });
  byId('linked').addEventListener('change', () => load(1));
  return load;
}
