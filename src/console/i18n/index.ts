import type { Dict } from '../lib/i18n.js';
import { common } from './common.js';
import { history } from './history.js';
import { people } from './people.js';
import { points } from './points.js';
import { sites } from './sites.js';
import { trend } from './trend.js';

/** Every page's strings; each page's file holds both languages. */
export const DICTS: readonly Dict[] = [common, history, points, trend, people, sites];
