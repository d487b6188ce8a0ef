// A record's sync history (a learner's, an officer's or an organisation's): each job's outcome, what it changed, kept or held back.
import { get } from './api.js';
import { dateTime, h, pager, replace, table } from './dom.js';

const WAY = { push: 'to Smart Assessor', pull: 'to the MIS' };

function value(v) {
  return v === null || v === undefined || v === '' ? '(blank)' : String(v);
}

/** One change in words; a kept value says that Smart Assessor's blank did not erase it. */
export function changeText(change) {
  if (change.direction === 'kept') return `${change.record} ${change.field}: ${value(change.to)} kept in the MIS (Smart Assessor had none)`;
  return `${change.record} ${change.field}: ${value(change.from)} → ${value(change.to)} (${WAY[change.direction] ?? change.direction})`;
}

/** A failed job that still wrote some changes: invalid data held back only the fields its error names. */
function partlyDone(event) {
  return event.outcome === 'failed' && event.changes.some((change) => change.direction !== 'kept');
}

function outcomeCell(event) {
  if (partlyDone(event)) return h('span', { class: 'outcome failed partial' }, 'failed in part');
  return h('span', { class: `outcome ${event.outcome}` }, event.outcome);
}

function changesCell(event) {
  if (!event.changes.length) return '—';
  return h(
    'ul',
    { class: 'changes' },
    event.changes.map((change) => h('li', { class: change.direction === 'kept' ? 'kept' : null }, changeText(change))),
  );
}

function errorCell(event) {
  if (!event.error) return '—';
  if (partlyDone(event)) return h('span', { class: 'error-text' }, `Held back, not sent: ${event.error}. The other changes went through.`);
  return h('span', { class: 'error-text' }, event.error);
}

/** Fills `container` with page `page` of the history at `path` (…/history), with a pager when there is more. */
export async function showHistory(container, path, page = 1) {
  const history = await get(`${path}?page=${page}&pageSize=20`);
  replace(
    container,
    table(
      [
        { label: 'When', value: (event) => dateTime(event.at) },
        { label: 'Work', value: (event) => event.queue },
        { label: 'Outcome', value: outcomeCell },
        { label: 'Changes', value: changesCell },
        { label: 'Error', value: errorCell },
        { label: 'Run', value: (event) => (event.runId ? h('a', { href: `/runs/${event.runId}` }, 'view run') : '—') },
      ],
      history.items,
      { empty: 'No changes recorded yet', id: 'history-table' },
    ),
    history.totalItems > history.pageSize ? pager(history, (next) => showHistory(container, path, next)) : null,
  );
}
