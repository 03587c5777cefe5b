import type { Quality } from '../../src/core/index.js';

/**
 * OPC UA StatusCode → quality. Pure. The two top bits are the severity (Part 4 §7.39): 00 Good,
 * 01 Uncertain, 10 (and 11, reserved) Bad. Bad and uncertain carry the code's name as the reason
 * (`BadSensorFailure`, `UncertainLastUsableValue`…), or its hex value when the name is unknown.
 */
const GOOD: Quality = Object.freeze({ level: 'good' });

export function qualityOfStatus(code: number, name?: string): Quality {
  const severity = (code >>> 30) & 0b11;
  if (severity === 0) return GOOD;
  const reason = name !== undefined && name !== '' && !name.startsWith('Unknown') ? name : `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  return { level: severity === 1 ? 'uncertain' : 'bad', reason };
}
