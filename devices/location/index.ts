/**
 * The location engine simulator: people walking a site, published as Pozyx-style position arrays
 * (and RFID reader events where zones have readers) over MQTT (README.md in this folder). Imports
 * nothing of src/ but src/core.
 */
export { LOCATION_DEFAULTS, loadLocationScenario, parseLocationScenario } from './parse.js';
export { LocationModel, type SimFix } from './model.js';
export { pozyxEntry, pozyxPayloads, type PozyxEntry } from './pozyx-messages.js';
export { startLocationSimulator, type LocationSimulatorOptions, type LocationSimulatorStats, type RunningLocationSimulator } from './publisher.js';
export { readerPayloads, ReaderWatch, type ReaderEventEntry, type SimReaderEvent } from './readers.js';
export { planRoute, pointInZone, routePositionAt, spotNear, type RoutePlan } from './route.js';
export { planRound, positionInRound, type Detour, type GotoOrder, type RoundPlan } from './detours.js';
export { expandTagRange, groupTagIds } from './tag-ids.js';
export { zoneSpecsOf } from './zone-specs.js';
export type { LocationScenario, RouteStop, SimZone, TagAction, TagEvent, TagGroup, Vec } from './scenario.js';
