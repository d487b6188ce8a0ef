import { dash } from './dom.js';
import { startPage } from './layout.js';
import { recordLinks } from './record-links.js';

const load = recordLinks({
  path: 'organisations',
  noun: 'organisation',
  columns: [
    { label: 'Ref', value: (record) => record.ref },
    { label: 'Name', value: (record) => record.name },
    { label: 'EDRS number', value: (record) => dash(record.edrsNumber) },
    { label: 'Postcode', value: (record) => dash(record.postcode) },
  ],
  lookUpPath: 'employers',
  lookUpQuery: (record) => (record.edrsNumber ? { edrsNumber: record.edrsNumber } : { name: record.name }),
  lookUpColumns: [
    { label: 'Name', value: (item) => item.name },
    { label: 'EDRS number', value: (item) => dash(item.edrsNumber) },
    { label: 'Postcode', value: (item) => dash(item.postcode) },
  ],
});

await startPage();
await load();
