// Sync runs: start one (or a dry run) now, the trend of recent runs, and every run with its progress, dry runs marked.
import { get, post } from './api.js';
import { byId, dateTime, h, pager, problemText, replace, say, table } from './dom.js';
import { startPage } from './layout.js';
import { showLiveSync } from './live-sync.js';
import { isFinished, runProgress } from './progress.js';
import { trendChart } from './trend-chart.js';

let refreshTimer;
/** While Live Sync is on, live runs may start at any moment: the list keeps itself fresh. */
let liveSyncOn = false;
let shownPage = 1;

let loads = 0;

/** The runs list's query: the page, and only real or only dry runs when the filter says. */
function runsQuery(page) {
  const query = new URLSearchParams({ page: String(page) });
  const dryRun = byId('runs-filter').value;
  if (dryRun) query.set('dryRun', dryRun);
  return query;
}

function runCell(run) {
  const link = h('a', { href: `/runs/${run.runId}` }, run.runId.slice(0, 8));
  return run.dryRun ? h('span', {}, link, ' ', h('span', { class: 'badge dry-run', title: 'Nothing was written' }, 'Dry run')) : link;
}

async function load(page = 1) {
  shownPage = page;
  const mine = ++loads;
  const [trend, runs] = await Promise.all([get('/api/sync/trend'), get(`/api/sync/runs?${runsQuery(page)}`)]);
  // The filter changed (or a refresh came) while this one was asked for: the later answer is the one to show.
  if (mine !== loads) return;
  replace(byId('trend'), trendChart(trend.items));
  replace(
    byId('results'),
    table(
      [
        { label: 'Run', value: runCell },
        { label: 'Trigger', value: (run) => run.trigger },
        { label: 'Started', value: (run) => dateTime(run.startedAt) },
        { label: 'Finished', value: (run) => dateTime(run.finishedAt) },
        { label: 'Progress', value: runProgress },
      ],
      runs.items,
      { empty: 'No runs yet', id: 'run-table' },
    ),
    pager(runs, load),
  );
  clearTimeout(refreshTimer);
  if (liveSyncOn || runs.items.some((run) => !isFinished(run))) refreshTimer = setTimeout(() => load(page), 3000);
}

/** Starts a run (a dry run with `{ dryRun: true }`) and goes to its page. */
function starter(body) {
  return async (event) => {
    event.target.disabled = true;
    try {
      const { runId } = await post('/api/sync/runs', body);
      location.assign(`/runs/${runId}`);
    } catch (error) {
      say(byId('status'), problemText(error), 'error');
      event.target.disabled = false;
    }
  };
}

byId('start-run').addEventListener('click', starter());
byId('start-dry-run').addEventListener('click', starter({ dryRun: true }));
byId('runs-filter-form').addEventListener('submit', (event) => event.preventDefault());
byId('runs-filter').addEventListener('change', () => load(1).catch((error) => say(byId('status'), problemText(error), 'error')));

await startPage();
await load();
showLiveSync(byId('live-sync'), (live) => {
  const wasOn = liveSyncOn;
  liveSyncOn = live.liveSync;
  if (liveSyncOn && !wasOn) load(shownPage);
}).catch((error) => say(byId('status'), problemText(error), 'error'));
