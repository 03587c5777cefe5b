import { isHazgateError, type HazgateError } from '../../src/core/errors.js';
import type { AdapterDeps, EmitReading, OnAdapterError, OnStatus } from '../../src/core/ports.js';
import { countError, errorReporter, MqttSession, type SessionSubscription, type Timers } from '../lib/mqtt/index.js';
import { checkOutgoing, stateMessage, type OutgoingMessage } from './host-commands.js';
import type { ConnectHost, HostClientPort } from './host-link.js';
import { SparkplugHost } from './host.js';
import type { PointMap } from './point-map.js';
import type { SparkplugAdapterConfig } from './schema.js';
import type { SparkplugStats } from './stats.js';
import { SPARKPLUG_NAMESPACE, stateTopic } from './topic.js';

export interface HostSessionSetup {
  readonly config: SparkplugAdapterConfig;
  readonly deps: AdapterDeps;
  readonly stats: SparkplugStats;
  readonly pointMap: PointMap;
  readonly connect: ConnectHost;
  readonly timers: Timers;
}

export interface HostSessionSinks {
  readonly emit: EmitReading;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

/** How long stop() waits for the broker to take the offline STATE before disconnecting anyway. */
const OFFLINE_STATE_WAIT_MS = 2_000;

/**
 * Subscriptions of a config: the host's own STATE topic (Sparkplug 3.0 §5.4: subscribed before
 * STATE online is published) and every configured group (`spBv1.0/<group>/#`), QoS 1. Stable objects.
 */
export function hostSubscriptions(config: SparkplugAdapterConfig): SessionSubscription[] {
  const state = stateTopic(config.hostId);
  return [{ topic: state, filter: state, qos: 1 }, ...config.groups.map((group): SessionSubscription => ({ topic: `${SPARKPLUG_NAMESPACE}/${group}/#`, filter: `${SPARKPLUG_NAMESPACE}/${group}/#`, qos: 1 }))];
}

/**
 * One start→stop run of the host: the shared MQTT session (adapters/lib/mqtt, back-off reconnects)
 * with the STATE will, `online` published once its STATE topic and the groups are subscribed
 * (Sparkplug 3.0 §5.4: edge nodes wait for it) and again whenever an `offline` for this host
 * arrives while it is connected (an old connection's will delivered late), rebirth commands held
 * until `online` is out, the host logic fed every message, and a clean `offline` before stop
 * disconnects (a clean DISCONNECT does not fire the will).
 */
export class HostSession {
  private readonly session: MqttSession;
  private readonly host: SparkplugHost;
  private link: HostClientPort | undefined;
  /** The timestamp of the current connection's will; its online STATE carries the same. */
  private connectionTs = 0;
  private up = false;
  /** STATE online is published on the current connection: NCMDs may go. */
  private online = false;
  /** close() began: no message is taken, no command sent. */
  private closing = false;
  /** Rebirth commands asked for before STATE online went out: one per node, sent after it. */
  private readonly heldCommands = new Map<string, OutgoingMessage>();

  constructor(
    private readonly setup: HostSessionSetup,
    sinks: HostSessionSinks,
  ) {
    const { config, stats, deps } = setup;
    const report = errorReporter(stats.errors, sinks.onError);
    this.host = new SparkplugHost(
      { config, stats, pointMap: setup.pointMap, clock: deps.clock, timers: setup.timers },
      { emit: sinks.emit, report, count: (code) => countError(stats.errors, code), publish: (message) => this.command(message, report) },
    );
    this.session = new MqttSession(
      {
        label: 'sparkplug',
        id: config.id,
        broker: config,
        reconnect: { kind: 'backoff', initialMs: config.backoff.initial, maxMs: config.backoff.max, timers: setup.timers },
        subscriptions: hostSubscriptions(config),
        clock: deps.clock,
        counters: stats,
        connect: (options, events) => {
          this.link = setup.connect(options, events, () => this.nextWill());
          return this.link;
        },
      },
      {
        message: (topic, payload) => this.message(topic, payload, report),
        onError: sinks.onError,
        onStatus: (status) => {
          this.statusChanged(status.state === 'up' || status.state === 'degraded', report);
          sinks.onStatus(status);
        },
      },
    );
  }

  get firstAttempt(): Promise<void> {
    return this.session.firstAttempt;
  }

  async close(): Promise<void> {
    // Nothing taken from here on: no reorder timer or rebirth starts during the offline wait.
    this.closing = true;
    this.host.stop();
    this.heldCommands.clear();
    if (this.up) {
      const offline = this.publish(stateMessage(this.setup.config.hostId, false, this.setup.deps.clock.now())).catch(() => false);
      let cancel = (): void => undefined;
      await Promise.race([offline, new Promise((resolve) => (cancel = this.setup.timers.schedule(() => resolve(false), OFFLINE_STATE_WAIT_MS)))]);
      cancel();
    }
    this.up = false;
    await this.session.close();
  }

  private nextWill(): OutgoingMessage {
    this.connectionTs = this.setup.deps.clock.now();
    return stateMessage(this.setup.config.hostId, false, this.connectionTs);
  }

  private message(topic: string, payload: Buffer, report: (e: HazgateError) => void): void {
    if (this.closing) return;
    if (topic === stateTopic(this.setup.config.hostId)) this.ownState(payload, report);
    else this.host.handleMessage(topic, payload);
  }

  /** Our own STATE came back: an `offline` while connected is an old connection's will, answered with `online` again. */
  private ownState(payload: Buffer, report: (e: HazgateError) => void): void {
    if (!this.up || !isOffline(payload)) return;
    this.setup.stats.stateRepublished += 1;
    void this.announce(report);
  }

  private statusChanged(connected: boolean, report: (e: HazgateError) => void): void {
    if (connected && !this.up) {
      this.up = true;
      void this.announce(report);
    } else if (!connected && this.up) {
      this.up = false;
      this.online = false;
      this.heldCommands.clear();
      this.host.connectionLost();
    }
  }

  /** Publishes STATE online (the current connection's timestamp), then the commands held for it. */
  private async announce(report: (e: HazgateError) => void): Promise<void> {
    const sent = await this.publish(stateMessage(this.setup.config.hostId, true, this.connectionTs)).catch((error: unknown) => {
      refusedOnly(report)(error);
      return false;
    });
    if (!sent || !this.up || this.closing) return;
    this.online = true;
    const held = [...this.heldCommands.values()];
    this.heldCommands.clear();
    for (const message of held) this.command(message, report);
  }

  /** A rebirth command goes out only once STATE online has (edge nodes take commands from a host that is online). */
  private command(message: OutgoingMessage, report: (e: HazgateError) => void): void {
    if (this.closing) return;
    if (!this.online) {
      this.heldCommands.set(message.topic, message);
      return;
    }
    void this.publish(message).catch(refusedOnly(report));
  }

  /** Every message goes through checkOutgoing: STATE, or NCMD Rebirth, nothing else. */
  private async publish(message: OutgoingMessage): Promise<boolean> {
    checkOutgoing(message, this.setup.config.hostId);
    return (await this.link?.publish(message)) ?? false;
  }
}

/**
 * A publish that failed because the connection dropped is the session's to report (it reconnects and
 * publishes STATE again); what reaches the sink is a refused command (HG_ERR_SPARKPLUG_COMMAND_REFUSED).
 */
function refusedOnly(report: (error: HazgateError) => void): (error: unknown) => void {
  return (error) => {
    if (isHazgateError(error)) report(error);
  };
}

/** A STATE payload saying offline (`{"online":false,…}`); anything else, or not JSON, is not. */
function isOffline(payload: Buffer): boolean {
  try {
    const state: unknown = JSON.parse(payload.toString('utf8'));
    return typeof state === 'object' && state !== null && (state as { online?: unknown }).online === false;
  } catch {
    return false;
  }
}
