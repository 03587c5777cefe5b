export { AlarmManager, type AlarmManagerDeps, type AlarmStats } from './manager.js';
export {
  nextState,
  applyResult,
  acknowledge,
  isEscalation,
  levelRank,
  isAckRefusal,
  type Acknowledgement,
  type AlarmInput,
  type AlarmStep,
  type AckStep,
  type AckRefusal,
  type TransitionContext,
} from './state.js';
export { SqliteAlarmJournal, verifyJournalFile, type SqliteJournalOptions, type JournalSyncMode } from './journal-sqlite.js';
export { chainHash, GENESIS, verifyChain, type ChainRow, type ChainVerdict } from './chain.js';
export { AlarmHealth } from './health.js';
export { EEMUA_FLOOD, FloodTracker, type FloodChange, type FloodPolicy } from './flood.js';
export { alarmKpis, type KpiOptions } from './kpi.js';
