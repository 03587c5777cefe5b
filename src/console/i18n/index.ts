import type { Dict } from '../lib/i18n.js';
import { alarms } from './alarms.js';
import { common } from './common.js';
import { history } from './history.js';
import { people } from './people.js';
import { points } from './points.js';
import { sites } from './sites.js';
import { summary } from './summary.js';
import { trend } from './trend.js';

/** Every page's strings; each page's file holds both languages. */
export const DICTS: readonly Dict[] = [common, people, sites, history, points, trend, alarms, summary];
