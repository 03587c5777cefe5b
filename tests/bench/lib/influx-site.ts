import { writeBenchSite } from './bench-site.js';

/**
 * The influx section's site: the ingest section's points and rules (threshold + rate + stale on
 * every point, the embedded store writing every sample) plus an `influx` section pointing at the
 * bench's VictoriaMetrics, so the sink is measured in a gateway doing a site's whole job.
 */
export interface InfluxSinkSettings {
  readonly batchSize: number;
  readonly flushInterval: string;
  readonly maxRequestLines: number;
  readonly gzip: boolean;
  readonly timeout: string;
  readonly retryMin: string;
}

/** The `influx` defaults of README.md: what a site gets without tuning. */
export const DEFAULT_SINK: InfluxSinkSettings = { batchSize: 5_000, flushInterval: '1s', maxRequestLines: 50_000, gzip: true, timeout: '10s', retryMin: '1s' };

/**
 * BENCH_INFLUX_SINK (JSON, e.g. `{"maxRequestLines":200000,"gzip":false}`) overrides the defaults,
 * to find out what limits a figure; an unknown key or a wrong type is an error, not ignored.
 */
export function sinkSettings(env: string | undefined): InfluxSinkSettings {
  if (env === undefined || env.trim() === '') return DEFAULT_SINK;
  const asked = JSON.parse(env) as unknown;
  if (typeof asked !== 'object' || asked === null || Array.isArray(asked)) throw new Error('BENCH_INFLUX_SINK must be a JSON object');
  const out: Record<string, unknown> = { ...DEFAULT_SINK };
  for (const [k, v] of Object.entries(asked)) {
    if (!(k in DEFAULT_SINK)) throw new Error(`BENCH_INFLUX_SINK: unknown key ${k} (known: ${Object.keys(DEFAULT_SINK).join(', ')})`);
    if (typeof v !== typeof out[k]) throw new Error(`BENCH_INFLUX_SINK: ${k} must be a ${typeof out[k]}`);
    out[k] = v;
  }
  return out as unknown as InfluxSinkSettings;
}

export interface InfluxSiteOptions {
  readonly points: number;
  readonly httpPort: number;
  readonly mqttUrl: string;
  readonly dataDir: string;
  /** Batched readings `[{"id","value","ts"},…]` are published on this topic. */
  readonly topicPrefix: string;
  readonly influxUrl: string;
  readonly sink: InfluxSinkSettings;
}

/**
 * `timeField: bench_receive_time` names a field the generator never sends, so the gateway stamps
 * every sample with its receive time (ms). The generator's own `ts` is refreshed only once a
 * second and every point comes round once a second, so two readings of a point could share a
 * timestamp and the database would rightly keep one; receive times of one point are ~1 s apart,
 * and every accepted sample is a distinct (point, timestamp) the database must hold exactly once.
 */
export function writeInfluxBenchSite(dir: string, o: InfluxSiteOptions): string {
  const s = o.sink;
  return writeBenchSite(dir, {
    points: o.points,
    httpPort: o.httpPort,
    mqttUrl: o.mqttUrl,
    dataDir: o.dataDir,
    topicPrefix: o.topicPrefix,
    qos: 0,
    clientId: 'hazgate-bench-influx',
    subscriptions: [`{ topic: "${o.topicPrefix}", qos: 0, timeField: bench_receive_time }`],
    fileName: `influx-bench-site-${o.points}.yaml`,
    extraYaml: `influx:
  url: ${o.influxUrl}
  org: bench
  bucket: hazgate
  batchSize: ${s.batchSize}
  flushInterval: ${s.flushInterval}
  maxRequestLines: ${s.maxRequestLines}
  gzip: ${s.gzip}
  timeout: ${s.timeout}
  retry: { min: ${s.retryMin} }
`,
  });
}
