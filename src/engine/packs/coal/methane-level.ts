import type { MethaneSetpoints } from './methane-limits.js';

/** The levels of a methane condition, most severe last. */
export type MethaneLevel = 'ALARM' | 'POWER_OFF' | null;

/**
 * One step of a CH4 sensor's state on a usable reading (% CH4). POWER_OFF at or above the power-off
 * level, held while methane is at or above the restore level (复电 "< 1.0": it clears below 1.0);
 * ALARM at or above the alarm level, cleared below it. Where alarm and power-off are equal (return
 * airway 1.0 / 1.0) the sensor goes straight to POWER_OFF.
 */
export function nextMethaneLevel(current: MethaneLevel, x: number, s: MethaneSetpoints): MethaneLevel {
  if (x >= s.powerOff) return 'POWER_OFF';
  if (current === 'POWER_OFF' && x >= s.restore) return 'POWER_OFF';
  return x >= s.alarm ? 'ALARM' : null;
}
