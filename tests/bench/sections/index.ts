import type { BenchSection } from '../lib/section.js';
import { centreSection } from './centre.js';
import { consoleSection } from './console.js';
import { influxSection } from './influx.js';
import { ingestSection } from './ingest.js';
import { latencySection } from './latency.js';
import { memorySection } from './memory.js';
import { modbusSection } from './modbus.js';
import { noderedSection } from './nodered.js';
import { opcuaSection } from './opcua.js';
import { peopleSection } from './people.js';
import { storeSection } from './store.js';
import { vmalertSection } from './vmalert.js';

/** Every section, in the order a full run takes them. Later issues append theirs. */
export const SECTIONS: readonly BenchSection[] = [ingestSection, latencySection, noderedSection, vmalertSection, memorySection, storeSection, modbusSection, opcuaSection, influxSection, peopleSection, centreSection, consoleSection];
