import { join } from 'node:path';
import { startAlertWebhook, type AlertWebhook } from '../lib/alert-webhook.js';
import type { BenchContext, BenchSection, Figures } from '../lib/section.js';
import { ensureVictoriaMetrics, startVictoriaMetrics, startVmalert, type VictoriaMetrics } from '../lib/victoria.js';
import type { PeerProcess } from '../lib/peer-process.js';
import { ratioOf } from '../lib/ratio.js';
import { percentile } from './latency.js';

/**
 * vmalert's alarm latency: the time from writing a sample over the limit to VictoriaMetrics until
 * vmalert's notification reaches a local Alertmanager-style webhook. Each trial crosses its own
 * series (`bench_probe{trial="N"}`), written at 1 Hz below the limit from the start, so every trial
 * starts from a series that is already indexed and evaluated as normal: nothing needs resetting,
 * and the first alert carrying the trial's label is that trial's firing notification.
 */
const TRIALS = 8;
const BACKGROUND_SERIES = 1000;
const LIMIT = 50;
const NORMAL = 10;
const CROSSING = 60;
const ALERT = 'BenchProbeHigh';
/** Let vmalert evaluate every probe series as normal a few times before the first crossing. */
const WARMUP_MS = 15000;
const TRIAL_TIMEOUT_MS = 30_000;

/** Every series once per second, as a plant historian would see 1 Hz sensors. */
function startOneHertzWriter(vm: VictoriaMetrics, probeValues: number[], onError: (e: unknown) => void): () => void {
  const tick = (): void => {
    const lines: string[] = [];
    for (let i = 0; i < BACKGROUND_SERIES; i++) lines.push(`bench,series=bg${i} background=${(NORMAL + Math.random() * 20).toFixed(2)}`);
    probeValues.forEach((v, t) => lines.push(`bench,trial=${t} probe=${v}`));
    vm.write(lines.join('\n')).catch(onError);
  };
  tick();
  const timer = setInterval(tick, 1000);
  return () => clearInterval(timer);
}

async function trial(vm: VictoriaMetrics, webhook: AlertWebhook, probeValues: number[], t: number): Promise<number> {
  // A random phase, so the crossing does not always land at the same point of vmalert's cycle.
  await new Promise((r) => setTimeout(r, Math.random() * 1000));
  if (webhook.firstAlert({ alertname: ALERT, trial: String(t) }) !== undefined) throw new Error(`trial ${t} alerted before its crossing`);
  probeValues[t] = CROSSING;
  const writtenAt = Date.now();
  await vm.write(`bench,trial=${t} probe=${CROSSING}`);
  for (;;) {
    const alert = webhook.firstAlert({ alertname: ALERT, trial: String(t) });
    if (alert !== undefined) return alert.receivedAt - writtenAt;
    if (Date.now() - writtenAt > TRIAL_TIMEOUT_MS) throw new Error(`no alert for trial ${t} within ${TRIAL_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function measure(ctx: BenchContext, vm: VictoriaMetrics, webhook: AlertWebhook): Promise<number[]> {
  const probeValues = Array.from({ length: TRIALS }, () => NORMAL);
  const writeErrors: string[] = [];
  const stopWriter = startOneHertzWriter(vm, probeValues, (e) => writeErrors.push(String(e)));
  try {
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const latencies: number[] = [];
    for (let t = 0; t < TRIALS; t++) {
      const ms = await trial(vm, webhook, probeValues, t).catch((e: unknown) => {
        ctx.log(`vmalert: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      });
      if (ms !== null) latencies.push(ms);
      ctx.log(`vmalert: trial ${t}: ${ms === null ? 'no alert' : `${ms} ms`}`);
    }
    if (writeErrors.length > 0) throw new Error(`writes to victoria-metrics failed: ${writeErrors[0] ?? ''}`);
    return latencies;
  } finally {
    stopWriter();
  }
}

export const vmalertSection: BenchSection = {
  name: 'vmalert',
  description: `VictoriaMetrics + vmalert (1 s evaluation): write of a crossing sample → webhook, p50 of ${TRIALS} trials`,
  keys: ['vmalert_p50_ms', 'ratio_latency_vs_vmalert'],
  async run(ctx): Promise<Figures> {
    ensureVictoriaMetrics(ctx.root, ctx.log);
    const workDir = join(ctx.tmp, 'vmalert');
    const stops: Array<() => Promise<void>> = [];
    try {
      const webhook = await startAlertWebhook();
      stops.push(() => webhook.close());
      const vm = await startVictoriaMetrics(workDir);
      stops.push(() => vm.process.stop());
      const vmalert: PeerProcess = await startVmalert({ workDir, datasourceUrl: vm.url, notifierUrl: webhook.url, rules: { [ALERT]: `bench_probe > ${LIMIT}` } });
      stops.push(() => vmalert.stop());
      const latencies = await measure(ctx, vm, webhook);
      if (webhook.rejected() > 0) ctx.log(`vmalert: webhook rejected ${webhook.rejected()} notification bodies`);
      let p50: number | null = null;
      if (latencies.length >= TRIALS / 2) p50 = percentile([...latencies].sort((a, b) => a - b), 0.5);
      else ctx.error('vmalert_p50_ms', `only ${latencies.length} of ${TRIALS} crossings produced an alert`);
      ctx.log(`vmalert: latencies ${latencies.join(', ')} ms`);
      const own = { vmalert_p50_ms: p50 };
      return { ...own, ratio_latency_vs_vmalert: ratioOf(ctx, 'ratio_latency_vs_vmalert', 'vmalert_p50_ms', 'alarm_p99_ms', own) };
    } finally {
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
    }
  },
};
