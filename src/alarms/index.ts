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
export { SqliteAlarmJournal, type SqliteJournalOptions, type JournalSyncMode } from './journal-sqlite.js';
