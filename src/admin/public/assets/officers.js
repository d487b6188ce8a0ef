import { dash } from './dom.js';
import { startPage } from './layout.js';
import { recordLinks } from './record-links.js';

const load = recordLinks({
  path: 'officers',
  noun: 'officer',
  columns: [
    { label: 'Ref', value: (record) => record.ref },
    { label: 'Name', value: (record) => `${record.firstName} ${record.surname}` },
    { label: 'Email', value: (record) => record.email },
    { label: 'Phone', value: (record) => dash(record.phone ?? record.mobile) },
  ],
  lookUpPath: 'assessors',
  lookUpQuery: (record) => ({ email: record.email }),
  lookUpColumns: [
    { label: 'Name', value: (item) => `${item.firstName} ${item.surname}` },
    { label: 'Email', value: (item) => item.email },
  ],
});

await startPage();
await load();
