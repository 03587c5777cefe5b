/** Quality of a value, after OPC UA's Good/Uncertain/Bad. Bad values are recorded, never dropped. */
export type QualityLevel = 'good' | 'uncertain' | 'bad';

export interface Quality {
  readonly level: QualityLevel;
  /** Why the value is not good, as a short code (`wire-break`, `saturated-high`, `comm-lost`…). */
  readonly reason?: string;
}

export const GOOD: Quality = Object.freeze({ level: 'good' });

/** Where a sample's timestamp came from. */
export type TimeSource = 'device' | 'server' | 'gateway';

/** A normalised value of one point. */
export interface Sample {
  readonly pointId: string;
  /** Engineering value; booleans are carried as 0/1 by numeric points and as booleans by discrete ones. */
  readonly value: number | boolean;
  readonly quality: Quality;
  /** Source time, epoch milliseconds. */
  readonly ts: number;
  /** Receive time at the gateway, epoch milliseconds. */
  readonly rts: number;
  readonly tsSource: TimeSource;
}

/**
 * What an adapter emits: a reading of one point as the device gave it. The pipeline validates it,
 * scales it with the point's profile and turns it into a Sample (or a counted, coded rejection).
 */
export interface RawReading {
  /** Id of the adapter instance that produced it (for counters and error messages). */
  readonly source: string;
  /** The point id as resolved by the adapter's binding (topic/field, register, NodeId). */
  readonly pointId: string;
  /** Raw value as received: a JSON value, counts, mA. Validated by the pipeline, not the adapter. */
  readonly value: unknown;
  /** Source timestamp, epoch ms, when the device gave one. */
  readonly ts?: number;
  /** Who stamped `ts` when it is not the device itself (an OPC UA server timestamp); default `device`. */
  readonly tsSource?: TimeSource;
  /** Quality the device or protocol reported, when it did. */
  readonly quality?: Quality;
  /** Where the reading came from, for error messages (a topic, a register, a NodeId). */
  readonly origin?: string;
}

/** A discrete happening (video detection, SOS, badge read, ESD trip). */
export interface PlantEvent {
  readonly eventId: string;
  readonly kind: string;
  readonly pointId: string | null;
  readonly zoneId?: string;
  readonly ts: number;
  readonly data?: Readonly<Record<string, unknown>>;
}
