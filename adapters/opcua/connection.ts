import { readFileSync } from 'node:fs';
import {
  AttributeIds,
  ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  DeadbandType,
  makeBrowsePath,
  MessageSecurityMode,
  OPCUAClient,
  OPCUACertificateManager,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  type ClientMonitoredItemGroup,
  type ClientSession,
  type DataValue,
  type MonitoringParametersOptions,
  type UserIdentityInfo,
} from 'node-opcua';
import { HazgateError, type Clock, type EmitReading, type Logger, type OnAdapterError, type OnStatus } from '../../src/core/index.js';
import { readingOf } from './data-value.js';
import { effectiveLimit, partition } from './partition.js';
import type { OpcuaAdapterConfig, OpcuaItemConfig } from './schema.js';

/** Counters of one connection; /metrics shows them per adapter. */
export interface OpcuaStats {
  connects: number;
  connectionLosses: number;
  /** Data changes received. */
  dataChanges: number;
  /** Monitored items the server accepted on the last (re)build. */
  itemsMonitored: number;
  /** Items the server refused (unknown NodeId, bad browse path, …). */
  itemErrors: number;
  subscriptions: number;
  /** From losing the connection to the first new data change after it, ms (last recovery). */
  lastRecoveryMs: number | null;
}

export interface ConnectionDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly pkiDir: string;
}

export interface ConnectionCallbacks {
  readonly emit: EmitReading;
  readonly onError: OnAdapterError;
  readonly onStatus: OnStatus;
}

interface Item {
  readonly config: OpcuaItemConfig;
  readonly publishingInterval: number;
  /** The NodeId as text once resolved. */
  nodeId: string | undefined;
}

/** Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall (Part 5 §6.3.11). */
const MAX_MONITORED_ITEMS_PER_CALL = 'ns=0;i=11714';

/**
 * One OPC UA server: a client, a session, subscriptions and monitored items, kept alive across
 * server restarts and network drops. node-opcua reconnects the channel and repairs the session
 * (reactivate, or new session + transfer, or recreate the subscriptions and items); while it is
 * away every point gets bad quality (`comm-lost`), so nothing looks normal. hazgate only
 * subscribes: no write, no method call.
 */
export class OpcuaConnection {
  readonly stats: OpcuaStats = { connects: 0, connectionLosses: 0, dataChanges: 0, itemsMonitored: 0, itemErrors: 0, subscriptions: 0, lastRecoveryMs: null };
  private readonly items: Item[];
  private readonly lastValues = new Map<string, number | boolean>();
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private readonly subscriptions: ClientSubscription[] = [];
  private stopped = false;
  private lostAt: number | undefined;
  private connecting: Promise<void> | undefined;
  private certificateManager: OPCUACertificateManager | undefined;
  private wakeRetry: (() => void) | undefined;
  /** Items refused by the current session (the status says degraded while any are). */
  private refused = 0;

  constructor(private readonly config: OpcuaAdapterConfig, private readonly deps: ConnectionDeps, private readonly cb: ConnectionCallbacks) {
    this.items = config.subscriptions.flatMap((s) => s.items.map((config) => ({ config, publishingInterval: s.publishingInterval, nodeId: config.nodeId })));
  }

  /** Resolves after the first connection attempt, good or bad; it keeps trying in the background. */
  async start(): Promise<void> {
    this.certificateManager = new OPCUACertificateManager({ rootFolder: this.deps.pkiDir, automaticallyAcceptUnknownCertificate: false });
    await this.certificateManager.initialize();
    let settle: () => void = () => undefined;
    const firstAttempt = new Promise<void>((resolve) => (settle = resolve));
    this.connecting = this.attempt(settle);
    await firstAttempt;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeRetry?.();
    await this.teardown();
    await this.connecting?.catch(() => undefined);
    await this.teardown();
    await this.certificateManager?.dispose().catch(() => undefined);
  }

  /**
   * Connects and opens the session. node-opcua retries a lost connection by itself, but a refusal
   * (an untrusted server certificate, a rejected user, a session it cannot create) ends its
   * attempt: then a fresh client tries again after reconnect.refused, so trusting the certificate
   * or fixing the server needs no restart of hazgate.
   */
  private async attempt(settle: () => void): Promise<void> {
    while (!this.stopped) {
      const client = this.createClient();
      // The first failed try is reported (and start resolves); later ones are the client's back-off.
      const onFirstFailure = (): void => {
        this.reportDown(new Error(`cannot connect to ${this.config.endpointUrl}`));
        settle();
      };
      client.once('backoff', onFirstFailure);
      try {
        await client.connect(this.config.endpointUrl);
        client.removeListener('backoff', onFirstFailure);
        await this.openSession();
        settle();
        return;
      } catch (e) {
        client.removeListener('backoff', onFirstFailure);
        if (this.stopped) break;
        this.reportDown(e);
        settle();
        await this.teardown();
        await this.retryPause();
      }
    }
    settle();
  }

  private createClient(): OPCUAClient {
    const client = OPCUAClient.create({
      applicationName: `hazgate-${this.config.id}`,
      applicationUri: `urn:hazgate:${this.config.id}`,
      ...(this.certificateManager === undefined ? {} : { clientCertificateManager: this.certificateManager }),
      securityMode: MessageSecurityMode[this.config.securityMode],
      securityPolicy: SecurityPolicy[this.config.securityPolicy],
      endpointMustExist: false,
      keepSessionAlive: true,
      requestedSessionTimeout: this.config.requestedSessionTimeout,
      connectionStrategy: { maxRetry: 1_000_000_000, initialDelay: this.config.reconnect.initial, maxDelay: this.config.reconnect.max, randomisationFactor: 0.1 },
    });
    this.client = client;
    this.watch(client);
    return client;
  }

  private retryPause(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, this.config.reconnect.refused);
      this.wakeRetry = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async teardown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const s of this.subscriptions.splice(0)) await s.terminate().catch(() => undefined);
    this.stats.subscriptions = 0;
    await this.session?.close().catch(() => undefined);
    this.session = undefined;
    await client?.disconnect().catch(() => undefined);
  }

  private watch(client: OPCUAClient): void {
    client.on('connection_lost', () => this.connectionLost('connection lost'));
    client.on('start_reconnection', () => this.connectionLost('reconnecting'));
    client.on('after_reconnection', () => {
      if (this.stopped) return;
      this.stats.connects++;
      this.cb.onStatus({ state: 'up', since: this.deps.clock.now() });
    });
  }

  private async openSession(): Promise<void> {
    const client = this.client;
    if (client === undefined || this.stopped) return;
    this.stats.connects++;
    this.refused = 0;
    const session = await client.createSession(this.identity());
    this.session = session;
    session.on('session_restored', () => this.deps.logger.info({ adapter: this.config.id }, 'OPC UA session restored'));
    await this.resolveBrowsePaths(session);
    const perCall = effectiveLimit(this.config.maxItemsPerSubscription, await this.readLimit(session, MAX_MONITORED_ITEMS_PER_CALL));
    await this.subscribeAll(session, perCall);
    this.cb.onStatus({ state: this.refused > 0 ? 'degraded' : 'up', ...(this.refused > 0 ? { reason: `${this.refused} item(s) refused` } : {}), since: this.deps.clock.now() });
  }

  private identity(): UserIdentityInfo {
    const user = this.config.user;
    switch (user.type) {
      case 'anonymous':
        return { type: UserTokenType.Anonymous };
      case 'username':
        return { type: UserTokenType.UserName, userName: user.username, password: user.password };
      case 'certificate':
        return { type: UserTokenType.Certificate, certificateData: readFileSync(user.certificateFile), privateKey: readFileSync(user.privateKeyFile, 'utf8') } as UserIdentityInfo;
    }
  }

  /** Browse paths become NodeIds; one that does not resolve is reported and its point flagged bad. */
  private async resolveBrowsePaths(session: ClientSession): Promise<void> {
    const pending = this.items.filter((i) => i.config.browsePath !== undefined);
    if (pending.length === 0) return;
    const results = await session.translateBrowsePath(pending.map((i) => makeBrowsePath('RootFolder', i.config.browsePath ?? '')));
    pending.forEach((item, k) => {
      const r = results[k];
      const target = r?.targets?.[0];
      if (r !== undefined && r.statusCode.isGood() && target !== undefined) {
        item.nodeId = target.targetId.toString();
        return;
      }
      item.nodeId = undefined;
      this.itemFailed(item, r?.statusCode.name ?? 'BadNoMatch', `browse path ${item.config.browsePath ?? ''} does not resolve`);
    });
  }

  private async readLimit(session: ClientSession, nodeId: string): Promise<number | undefined> {
    try {
      const dv = await session.read({ nodeId, attributeId: AttributeIds.Value });
      return dv.statusCode.isGood() && typeof dv.value.value === 'number' ? dv.value.value : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * One subscription per configured subscription and chunk of `maxItemsPerSubscription`; items
   * with the same monitoring parameters are created together, `perCall` at a time.
   */
  private async subscribeAll(session: ClientSession, perCall: number): Promise<void> {
    this.stats.itemsMonitored = 0;
    for (const sub of this.config.subscriptions) {
      const items = this.items.filter((i) => i.publishingInterval === sub.publishingInterval && sub.items.includes(i.config) && i.nodeId !== undefined);
      for (const calls of partition(items, this.config.maxItemsPerSubscription, perCall)) {
        const subscription = await session.createSubscription2({
          requestedPublishingInterval: sub.publishingInterval,
          requestedLifetimeCount: 100,
          requestedMaxKeepAliveCount: 10,
          maxNotificationsPerPublish: 0,
          publishingEnabled: true,
          priority: 10,
        });
        this.subscriptions.push(subscription);
        this.stats.subscriptions = this.subscriptions.length;
        for (const call of calls) await this.monitor(subscription, call);
      }
    }
  }

  private async monitor(subscription: ClientSubscription, items: readonly Item[]): Promise<void> {
    const byParameters = new Map<string, Item[]>();
    for (const item of items) {
      const key = JSON.stringify([item.config.samplingInterval, item.config.queueSize, item.config.deadband]);
      byParameters.set(key, [...(byParameters.get(key) ?? []), item]);
    }
    for (const group of byParameters.values()) {
      const first = group[0];
      if (first === undefined) continue;
      const monitored = await subscription.monitorItems(
        group.map((i) => ({ nodeId: i.nodeId ?? '', attributeId: AttributeIds.Value })),
        parametersOf(first),
        TimestampsToReturn.Both,
      );
      this.checkItems(monitored, group);
      monitored.on('changed', (_item, dataValue: DataValue, index: number) => {
        const item = group[index];
        if (item !== undefined) this.deliver(item, dataValue);
      });
    }
  }

  private checkItems(monitored: ClientMonitoredItemGroup, group: readonly Item[]): void {
    monitored.monitoredItems.forEach((m, i) => {
      const item = group[i];
      if (item === undefined) return;
      const status = m.statusCode;
      if (status.isGood()) {
        this.stats.itemsMonitored++;
        const requested = item.config.samplingInterval;
        const revised = m.monitoringParameters?.samplingInterval;
        if (requested !== undefined && revised !== undefined && revised !== requested) {
          this.deps.logger.info({ adapter: this.config.id, nodeId: item.nodeId, point: item.config.point, requested, revised }, `OPC UA server revised the sampling interval of ${item.nodeId ?? ''} from ${requested} to ${revised} ms`);
        }
        return;
      }
      this.itemFailed(item, status.name, `the server refused the monitored item (${status.name})`);
    });
  }

  private itemFailed(item: Item, statusName: string, why: string): void {
    this.stats.itemErrors++;
    this.refused++;
    const where = item.nodeId ?? item.config.browsePath ?? '';
    this.cb.onError(new HazgateError('HG_ERR_OPCUA_ITEM', `opcua ${this.config.id}: point ${item.config.point} (${where}): ${why}`, { adapter: this.config.id, point: item.config.point, nodeId: item.nodeId, browsePath: item.config.browsePath, status: statusName }));
    // The point must not look normal: it gets a bad reading with the server's reason.
    this.cb.emit({ source: this.config.id, pointId: item.config.point, value: this.lastValues.get(item.config.point) ?? 0, quality: { level: 'bad', reason: statusName }, origin: where });
  }

  private deliver(item: Item, dv: DataValue): void {
    if (this.stopped) return;
    this.stats.dataChanges++;
    if (this.lostAt !== undefined) {
      this.stats.lastRecoveryMs = this.deps.clock.now() - this.lostAt;
      this.lostAt = undefined;
      this.cb.onStatus({ state: 'up', since: this.deps.clock.now() });
    }
    const reading = readingOf(dv, this.config.id, item.config.point, item.nodeId ?? '', this.lastValues.get(item.config.point));
    if (typeof reading.value === 'number' || typeof reading.value === 'boolean') this.lastValues.set(item.config.point, reading.value);
    this.cb.emit(reading);
  }

  /** Every point goes bad (comm-lost) once per outage; values come back with the repaired session. */
  private connectionLost(why: string): void {
    if (this.stopped || this.lostAt !== undefined) return;
    this.lostAt = this.deps.clock.now();
    this.stats.connectionLosses++;
    this.cb.onError(new HazgateError('HG_ERR_OPCUA_CONNECT', `opcua ${this.config.id}: ${why} (${this.config.endpointUrl}); reconnecting`, { adapter: this.config.id, endpointUrl: this.config.endpointUrl }));
    this.cb.onStatus({ state: 'down', reason: why, since: this.lostAt });
    for (const item of this.items) {
      this.cb.emit({ source: this.config.id, pointId: item.config.point, value: this.lastValues.get(item.config.point) ?? 0, quality: { level: 'bad', reason: 'comm-lost' }, origin: item.nodeId ?? item.config.browsePath ?? '' });
    }
  }

  private reportDown(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    const untrusted = /certificate/i.test(message) && /untrusted|not trusted|rejected|BadCertificate/i.test(message);
    const code = untrusted ? 'HG_ERR_OPCUA_UNTRUSTED_SERVER' : 'HG_ERR_OPCUA_CONNECT';
    const hint = untrusted ? `; trust it with: hazgate pki trust --config <site> --adapter ${this.config.id} (or move it from ${this.deps.pkiDir}/rejected to ${this.deps.pkiDir}/trusted/certs)` : '';
    this.cb.onError(new HazgateError(code, `opcua ${this.config.id}: ${this.config.endpointUrl}: ${message}${hint}`, { adapter: this.config.id, endpointUrl: this.config.endpointUrl }));
    this.cb.onStatus({ state: 'down', reason: message, since: this.deps.clock.now() });
  }
}

function parametersOf(item: Item): MonitoringParametersOptions {
  const c = item.config;
  const deadband = c.deadband;
  return {
    samplingInterval: c.samplingInterval ?? item.publishingInterval,
    queueSize: c.queueSize,
    discardOldest: true,
    ...(deadband === undefined
      ? {}
      : {
          filter: new DataChangeFilter({
            trigger: DataChangeTrigger.StatusValue,
            deadbandType: deadband.type === 'absolute' ? DeadbandType.Absolute : DeadbandType.Percent,
            deadbandValue: deadband.value,
          }),
        }),
  };
}
