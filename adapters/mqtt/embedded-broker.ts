import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import { z } from 'zod';
import { HazgateError } from '../../src/core/errors.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';

/**
 * An optional MQTT broker inside hazgate (aedes, in-memory sessions), for sites and demos where
 * devices publish straight to the gateway. Plain TCP only; put a real broker in front for TLS or
 * for sessions that must survive a gateway restart.
 */

export const embeddedBrokerSchema = z
  .object({
    enabled: z.boolean().default(false),
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests); start() tells which. */
    port: z.number().int().min(0).max(65_535).default(1883),
  })
  .strict()
  .readonly();

export type EmbeddedBrokerConfig = z.output<typeof embeddedBrokerSchema>;

export interface EmbeddedBrokerAddress {
  readonly host: string;
  readonly port: number;
  /** `mqtt://host:port`, for adapters and devices. */
  readonly url: string;
}

export interface EmbeddedBroker {
  /** Resolves once listening; rejects with HG_ERR_BROKER_LISTEN. */
  start(): Promise<EmbeddedBrokerAddress>;
  /** Disconnects every client and closes the listener. */
  stop(): Promise<void>;
}

export function createEmbeddedBroker(config: EmbeddedBrokerConfig, logger: Logger = silentLogger): EmbeddedBroker {
  let running: { readonly broker: Aedes; readonly server: Server } | undefined;
  const log = logger.child({ component: 'embedded-broker' });
  return {
    async start() {
      if (running !== undefined) throw new Error('the embedded MQTT broker is already started');
      const broker = await Aedes.createBroker();
      // A misbehaving device must not take the broker down; it is logged and disconnected.
      broker.on('clientError', (client, error) => log.debug({ clientId: client.id, err: error.message }, 'mqtt client error'));
      broker.on('connectionError', (_client, error) => log.debug({ err: error.message }, 'mqtt connection error'));
      const server = createServer(broker.handle);
      try {
        const port = await listen(server, config.host, config.port);
        running = { broker, server };
        // Errors after listening (EMFILE, say) must not crash the gateway through an unhandled 'error'.
        server.on('error', (error) => log.error({ err: error.message }, 'embedded MQTT broker listener error'));
        log.info({ host: config.host, port }, 'embedded MQTT broker listening');
        return { host: config.host, port, url: `mqtt://${urlHost(config.host)}:${port}` };
      } catch (cause) {
        await closeBroker(broker);
        throw new HazgateError(
          'HG_ERR_BROKER_LISTEN',
          `embedded MQTT broker cannot listen on ${config.host}:${config.port}: ${cause instanceof Error ? cause.message : String(cause)}`,
          { host: config.host, port: config.port },
          cause,
        );
      }
    },
    async stop() {
      const current = running;
      running = undefined;
      if (current === undefined) return;
      // aedes closes its client connections; only then can the server finish closing.
      await closeBroker(current.broker);
      await new Promise<void>((resolve) => current.server.close(() => resolve()));
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()));
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
