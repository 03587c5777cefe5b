/**
 * devices/: device profiles, scenario files and plant simulators. Simulators talk to hazgate only
 * over the network, as hardware does; this module imports nothing of src/ but src/core.
 * `hazgate simulate` needs loadScenario (or builtinScenarioFile), startMqttSimulator,
 * startModbusSimulator (with modbusSimServerSchema for its config) and startOpcuaSimulator (with
 * opcuaSimConfigSchema); site configs load Modbus device profiles with loadModbusProfile.
 */
export { builtinScenarioFile, loadScenario } from './simulator/load.js';
export { parseScenario, type ReportedProblem } from './simulator/parse.js';
export { startMqttSimulator, type MqttSimulatorOptions, type RunningSimulator, type SimulatorStats } from './simulator/mqtt-publisher.js';
export type { ConnectSimulator, QoS, SimulatorConnection } from './simulator/mqtt-connection.js';
export type { BatchMode } from './simulator/mqtt-messages.js';
export { readingsAt, type SimReading } from './simulator/readings.js';
export { pointOutputAt, scenarioTimeMs, wireValue, type PointOutput } from './simulator/signal.js';
export { systemTimers, type Timers } from './simulator/tick-loop.js';
export { DEFAULT_SEED, type Scenario, type ScenarioEvent, type ScenarioPoint } from './simulator/scenario.js';
export type { DeviceEvent } from './simulator/scenario.js';
export {
  loadModbusProfile,
  parseModbusProfile,
  PROFILES_DIR,
  type ModbusFunctionName,
  type ModbusProfile,
  type ModbusProfileResult,
  type ProfileByteOrder,
  type ProfilePointTemplate,
  type ProfileQualityRule,
  type ProfileRegister,
  type ProfileValueType,
} from './profiles/modbus-profile.js';
export { startModbusSimulator, type ModbusSimulatorOptions, type RunningModbusSimulator } from './modbus/simulator.js';
export { modbusSimServerSchema, type ModbusSimDevice, type ModbusSimServer, type ModbusSimTransport } from './modbus/sim-config.js';
export type { ModbusSimStats } from './modbus/responder.js';
export { encodeValue, rawFromValue } from './modbus/encode.js';
export { startOpcuaSimulator } from './opcua/start.js';
export type { OpcuaSimulatorOptions, RunningOpcuaSimulator } from './opcua/simulator.js';
export { opcuaSimConfigSchema, SECURITY_MODE_NAMES, SECURITY_POLICY_NAMES, SERVER_CERTIFICATE_DER, type OpcuaSimConfig, type OpcuaSimUser } from './opcua/sim-config.js';
export { nodeIdOf, plantGroupOf, SIM_NAMESPACE_URI, type PlantGroup } from './opcua/address-model.js';
export { loadLocationScenario, parseLocationScenario, startLocationSimulator, LocationModel, zoneSpecsOf, type LocationScenario, type LocationSimulatorOptions, type RunningLocationSimulator } from './location/index.js';
export { startCameraSimulator, DEFAULT_CAMERA_SCRIPT, DEFAULT_SIM_CAMERA, type CameraSimulatorOptions, type RunningCameraSimulator, type ScriptedDetection, type SimCamera } from './video/index.js';
export { startSparkplugEdge, type RunningSparkplugEdge, type SparkplugEdgeOptions, type SparkplugEdgeStats } from './sparkplug/index.js';
