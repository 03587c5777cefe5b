import type { MqttSession } from './session.js';

/**
 * Where a started adapter keeps its session: one at a time; stop() closes it and the adapter may be
 * started again. What every MQTT-based adapter's start() and stop() do around the session.
 */
export class SessionSlot {
  private session: MqttSession | undefined;

  /** `name` says whose slot it is in the error of a second start: `location adapter uwb`. */
  constructor(private readonly name: string) {}

  /**
   * Opens a session and resolves once its first connection attempt has succeeded (connected and
   * subscribed) or failed; after a failure the session keeps retrying and its status says 'down'.
   */
  async start(open: () => MqttSession): Promise<void> {
    if (this.session !== undefined) throw new Error(`${this.name} is already started`);
    const session = open();
    this.session = session;
    await session.firstAttempt;
  }

  /** Closes the session; nothing is passed on once this resolves. */
  async stop(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
  }
}
