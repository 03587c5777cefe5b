import type { PageName } from '../../lib/route.js';
import type { PageFactory } from '../context.js';
import { alarmsPage } from './alarms.js';
import { historyPage } from './history.js';
import { peoplePage } from './people.js';
import { pointsPage } from './points.js';
import { sitesPage } from './sites.js';
import { summaryPage } from './summary.js';
import { trendPage } from './trend.js';
import { zonePage } from './zone.js';

/** Every page but the login (the shell's own). */
export const PAGES: Readonly<Record<Exclude<PageName, 'login'>, PageFactory>> = {
  summary: summaryPage,
  alarms: alarmsPage,
  history: historyPage,
  points: pointsPage,
  trend: trendPage,
  people: peoplePage,
  zone: zonePage,
  sites: sitesPage,
};
