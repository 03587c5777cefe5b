/**
 * Sparkplug B topics (spec 3.0 §4.1): `spBv1.0/<group_id>/<message_type>/<edge_node_id>[/<device_id>]`
 * and the host's `spBv1.0/STATE/<host_id>`. Pure.
 */

export const SPARKPLUG_NAMESPACE = 'spBv1.0';

export const NODE_MESSAGE_TYPES = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
export const DEVICE_MESSAGE_TYPES = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type NodeMessageType = (typeof NODE_MESSAGE_TYPES)[number];
export type DeviceMessageType = (typeof DEVICE_MESSAGE_TYPES)[number];
export type SparkplugMessageType = NodeMessageType | DeviceMessageType;
export const MESSAGE_TYPES: readonly SparkplugMessageType[] = [...NODE_MESSAGE_TYPES, ...DEVICE_MESSAGE_TYPES];

export type SparkplugTopic =
  | { readonly scope: 'node'; readonly type: NodeMessageType; readonly group: string; readonly node: string }
  | { readonly scope: 'device'; readonly type: DeviceMessageType; readonly group: string; readonly node: string; readonly device: string };

/** The topic's parts, or why it is not a Sparkplug B edge topic. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | string {
  const levels = topic.split('/');
  const [ns, group, type, node, device] = levels;
  if (ns !== SPARKPLUG_NAMESPACE || group === undefined || type === undefined || node === undefined) return `not spBv1.0/<group>/<type>/<node>[/<device>]`;
  if (group === '' || node === '') return 'an empty group or edge node id';
  if (isNodeType(type)) return levels.length === 4 ? { scope: 'node', type, group, node } : `${type} takes no device level`;
  if (isDeviceType(type)) return levels.length === 5 && device !== undefined && device !== '' ? { scope: 'device', type, group, node, device } : `${type} needs exactly one device level`;
  return `unknown message type "${type}"`;
}

function isNodeType(type: string): type is NodeMessageType {
  return (NODE_MESSAGE_TYPES as readonly string[]).includes(type);
}

function isDeviceType(type: string): type is DeviceMessageType {
  return (DEVICE_MESSAGE_TYPES as readonly string[]).includes(type);
}

/** Where a host application announces itself (Sparkplug 3.0 §6.4.5 host application STATE). */
export function stateTopic(hostId: string): string {
  return `${SPARKPLUG_NAMESPACE}/STATE/${hostId}`;
}

export function nodeCommandTopic(group: string, node: string): string {
  return `${SPARKPLUG_NAMESPACE}/${group}/NCMD/${node}`;
}

/** `group/node`, the key of an edge node's state; ids contain no '/'. */
export function nodeKey(group: string, node: string): string {
  return `${group}/${node}`;
}
