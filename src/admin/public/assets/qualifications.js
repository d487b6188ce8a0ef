// The qualification catalogue and its Smart Assessor course links.
import { get, post } from './api.js';
import { byId, dash, h, pager, problemText, replace, say, table } from './dom.js';
import { startPage } from './layout.js';

async function load(page = 1) {
  const result = await get(`/api/qualifications?page=${page}&pageSize=100`);
  replace(
    byId('results'),
    table(
      [
        { label: 'Reference', value: (row) => row.reference },
        { label: 'Title', value: (row) => row.title },
        { label: 'Smart Assessor course', value: (row) => dash(row.smartAssessorCourseId) },
        { label: 'Supported', value: (row) => h('span', { class: row.supportedInSmartAssessor ? 'badge ok' : 'badge' }, row.supportedInSmartAssessor ? 'Yes' : 'No') },
      ],
      result.items,
      { empty: 'The catalogue is empty', id: 'qualification-table' },
    ),
    pager(result, load),
  );
}

byId('refresh-links').addEventListener('click', async (event) => {
  event.target.disabled = true;
  say(byId('status'), 'Reading the courses from Smart Assessor…', 'info');
  try {
    const counts = await post('/api/qualification-links/refresh');
    say(byId('status'), `Linked ${counts.linked}, unlinked ${counts.unlinked}, unchanged ${counts.unchanged}`, 'ok');
    await load();
  } catch (error) {
    say(byId('status'), problemText(error), 'error');
  } finally {
    event.target.disabled = false;
  }
});

await startPage();
await load();
