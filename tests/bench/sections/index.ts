import type { BenchSection } from '../lib/section.js';

/** Every section, in the order a full run takes them. Later issues append theirs. */
export const SECTIONS: readonly BenchSection[] = [];
