import type { BenchSection } from '../lib/section.js';
import { ingestSection } from './ingest.js';
import { latencySection } from './latency.js';

/** Every section, in the order a full run takes them. Later issues append theirs. */
export const SECTIONS: readonly BenchSection[] = [ingestSection, latencySection];
