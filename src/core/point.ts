/** What a point measures. Free-form strings are allowed for kinds later packs add. */
export type PointKind =
  | 'gas'
  | 'level'
  | 'temperature'
  | 'pressure'
  | 'flow'
  | 'valve'
  | 'interlock'
  | 'feed'
  | 'location'
  | 'video'
  | 'status'
  | (string & {});

/** 4-20 mA signal conversion with NAMUR NE 43 bands (mA). */
export interface CurrentLoopScaling {
  readonly kind: 'current-loop';
  /** Below this the signal is a fault (wire break, detector fault). NE 43: 3.6 */
  readonly faultLowMa: number;
  /** Above this the signal is a fault (short circuit). NE 43: 21.0 */
  readonly faultHighMa: number;
}

/** Linear raw → engineering scaling (counts to units). */
export interface LinearScaling {
  readonly kind: 'linear';
  readonly rawLow: number;
  readonly rawHigh: number;
}

export type Scaling = CurrentLoopScaling | LinearScaling;

/** A configured measurement point. */
export interface Point {
  /** Stable id, e.g. `TK101.LT` or `GT-101`. */
  readonly id: string;
  readonly name?: string | undefined;
  readonly kind: PointKind;
  /** Engineering unit: `%LEL`, `ppm`, `%`, `°C`, `MPa`… */
  readonly unit?: string | undefined;
  /** Engineering range [low, high] (LRV, URV). */
  readonly range?: readonly [number, number] | undefined;
  /** Area, unit or hazard source the point belongs to (tank farm, working face). */
  readonly area?: string | undefined;
  /** Value type: numbers (analog) or booleans (discrete). */
  readonly type: 'number' | 'boolean';
  /** Raw → engineering conversion; absent when the device sends engineering values. */
  readonly scaling?: Scaling | undefined;
  /** Free attributes rules select on (gas: CH4, class: combustible, enterpriseCode…). */
  readonly attrs: Readonly<Record<string, string>>;
}
