import { silentLogger } from '../../src/core/index.js';
import { MqttLeaseKeeper } from '../../src/uplink/lease-mqtt.js';

/**
 * One centre lease member as its own process, for tests that kill it -9: prints `serve <p>` and
 * `release <p>` lines as it gains and loses partitions. Args: url self partitions leaseMs.
 */
const [url, self, partitions, leaseMs] = process.argv.slice(2);
const keeper = new MqttLeaseKeeper({
  url: url ?? '',
  self: self ?? 'member',
  partitions: Number(partitions ?? 16),
  leaseMs: Number(leaseMs ?? 3000),
  logger: silentLogger,
  server: {
    serve: (p) => void process.stdout.write(`serve ${p}\n`),
    release: (p) => void process.stdout.write(`release ${p}\n`),
  },
});
await keeper.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void keeper.stop().then(() => process.exit(0)));
