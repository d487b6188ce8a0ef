// Which MIS review type each Smart Assessor session type becomes (or "ignore").
import { get, put } from './api.js';
import { byId, h, problemText, replace, say, table } from './dom.js';
import { startPage } from './layout.js';

let reviewTypes = [];

function selectFor(sessionType, current) {
  return h(
    'select',
    { name: sessionType, id: `mapping-${sessionType}`, 'aria-label': `Review type for ${sessionType} sessions` },
    h('option', { value: '', selected: current === null }, 'Ignore these sessions'),
    reviewTypes.map((type) => h('option', { value: type.code, selected: current === type.code }, `${type.code} — ${type.name}`)),
  );
}

async function load() {
  const [mappings, types] = await Promise.all([get('/api/review-type-mappings'), get('/api/review-types')]);
  reviewTypes = types.items;
  replace(
    byId('mappings'),
    table(
      [
        { label: 'Smart Assessor session type', value: ([sessionType]) => sessionType },
        { label: 'MIS review type', value: ([sessionType, code]) => selectFor(sessionType, code) },
      ],
      Object.entries(mappings),
    ),
  );
}

byId('mapping-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = Object.fromEntries([...byId('mappings').querySelectorAll('select')].map((select) => [select.name, select.value || null]));
  try {
    await put('/api/review-type-mappings', body);
    say(byId('status'), 'Mapping saved', 'ok');
    await load();
  } catch (error) {
    say(byId('status'), problemText(error), 'error');
  }
});

await startPage();
await load();
