export { RuleEngine, type EngineStats } from './engine.js';
export { selectPoints, checkSelectors, type SelectorProblem } from './select.js';
export { ThresholdEvaluator, resolveDeadband } from './threshold.js';
export { RateEvaluator } from './rate.js';
export { StaleEvaluator } from './stale.js';
export { MonotonicWindow } from './window.js';
export type { Evaluator } from './evaluator.js';
export { conditionMessage, defaultMessage, renderTemplate, formatValue, formatNumber } from './message.js';
