import type { Dict } from '../lib/i18n.js';
import { common } from './common.js';

/** Every page's strings; each page's file holds both languages. */
export const DICTS: readonly Dict[] = [common];
