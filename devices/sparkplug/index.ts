/** The simulated Sparkplug B edge node (devices/README.md, "Sparkplug B edge node"). */
export { birthMetrics, dataMetrics, edgeLayout, type EdgeDeviceSpec, type EdgeLayout, type EdgeMetricDef } from './edge-metrics.js';
export { startSparkplugEdge, type RunningSparkplugEdge, type SparkplugEdgeOptions, type SparkplugEdgeStats } from './edge-node.js';
