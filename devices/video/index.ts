/**
 * devices/video: a camera box posting Hikvision ISAPI alerts over HTTP (keepalives and scripted
 * detections), for tests and the demo. Imports nothing of src/ but src/core.
 */
export { DEFAULT_SIM_CAMERA, startCameraSimulator, type CameraSimulatorOptions, type CameraSimulatorStats, type RunningCameraSimulator } from './camera-simulator.js';
export { DEFAULT_CAMERA_SCRIPT, postsDue, SIM_DETECTIONS, type CameraPlan, type ScheduledPost, type ScriptedDetection, type SimDetectionKind } from './camera-script.js';
export { heartbeatXml, isapiAlertXml, isapiDateTime, multipartAlert, SAMPLE_JPEG, type SimAlert, type SimCamera } from './isapi-messages.js';
