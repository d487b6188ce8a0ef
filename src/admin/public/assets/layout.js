// The frame every page shares: the navigation, who is logged in, and log-out.
import { currentSession, logOut } from './api.js';
import { h, replace } from './dom.js';

const SECTIONS = [
  ['/learners', 'Learners'],
  ['/organisations', 'Organisations'],
  ['/officers', 'Officers'],
  ['/onboarding', 'Onboarding'],
  ['/qualifications', 'Qualifications'],
  ['/review-types', 'Review types'],
  ['/settings', 'Settings'],
  ['/runs', 'Sync runs'],
  ['/admin/queues', 'Queues'],
];

export async function startPage() {
  const session = await currentSession();
  const here = location.pathname;
  const nav = h(
    'nav',
    { class: 'top', 'aria-label': 'sections' },
    h('span', { class: 'brand' }, 'Smart Assessor integration'),
    SECTIONS.map(([path, label]) => h('a', { href: path, 'aria-current': here === path || here.startsWith(path + '/') ? 'page' : undefined }, label)),
    h('span', { class: 'who' }, session.username ?? ''),
    h('button', { type: 'button', class: 'link', id: 'log-out', onclick: () => logOut() }, 'Log out'),
  );
  replace(document.getElementById('top'), nav);
  return session;
}
