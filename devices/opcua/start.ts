import type { OpcuaSimulatorOptions, RunningOpcuaSimulator } from './simulator.js';

/**
 * Starts the OPC UA simulator (simulator.ts). node-opcua is loaded here, on first use, not when
 * devices/ is imported: it takes about a second and prints a warning on Node 20, which the MQTT
 * and Modbus simulators and every CLI command that never starts an OPC UA server should not pay.
 */
export async function startOpcuaSimulator(options: OpcuaSimulatorOptions): Promise<RunningOpcuaSimulator> {
  const { startOpcuaSimulator: start } = await import('./simulator.js');
  return start(options);
}
