// The learner list: search, eligibility, Smart Assessor ID, last sync and last error.
import { get } from './api.js';
import { byId, dash, dateTime, h, pager, replace, say, table, yesNo } from './dom.js';
import { startPage } from './layout.js';

const params = new URLSearchParams(location.search);
byId('search').value = params.get('search') ?? '';
byId('eligible').value = params.get('eligible') ?? '';

async function load(page = Number(params.get('page') ?? 1)) {
  const query = new URLSearchParams({ page: String(page), pageSize: '50' });
  const search = byId('search').value.trim();
  const eligible = byId('eligible').value;
  if (search) query.set('search', search);
  if (eligible) query.set('eligible', eligible);
  history.replaceState(null, '', `/learners?${query}`);
  try {
    const result = await get(`/api/learners?${query}`);
    say(byId('status'), '');
    replace(
      byId('results'),
      table(
        [
          { label: 'Learner Ident', value: (row) => h('a', { href: `/learners/${encodeURIComponent(row.learnerIdent)}` }, row.learnerIdent) },
          { label: 'Name', value: (row) => `${row.firstName} ${row.surname}` },
          { label: 'ULN', value: (row) => dash(row.uln) },
          { label: 'Employer', value: (row) => dash(row.placementOrganisation?.name) },
          {
            label: 'Status',
            value: (row) => (row.inLearning ? 'In learning' : row.endedOn ? `Ended ${row.endedOn}` : 'No aims') + (row.systemStatus === 'Live' ? '' : ` (${row.systemStatus})`),
          },
          { label: 'Eligible', value: (row) => h('span', { class: row.eligible ? 'badge ok' : 'badge' }, yesNo(row.eligible)) },
          { label: 'Smart Assessor ID', value: (row) => dash(row.smartAssessorId) },
          { label: 'Last sync', value: (row) => dateTime(row.lastSyncedAt) },
          { label: 'Last error', value: (row) => (row.lastError ? h('span', { class: 'error-text' }, row.lastError) : '—') },
        ],
        result.items,
        { empty: 'No learner matches', id: 'learner-table' },
      ),
      pager(result, load),
    );
  } catch (error) {
    say(byId('status'), error.message, 'error');
  }
}

byId('learner-filter').addEventListener('submit', (event) => {
  event.preventDefault();
  load(1);
});
byId('eligible').addEventListener('change', () => load(1));

await startPage();
await load();
