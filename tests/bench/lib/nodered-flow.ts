/**
 * The Node-RED flow the bench runs: the smaller job issue 3 gives the peer. Kept as data (the
 * flow JSON Node-RED loads from `flowFile`) so the README of the benchmark can quote it.
 *
 *   mqtt in (utf8) → json → count → switch (payload.<field> > limit) → websocket out
 *   http in GET /bench/count → report count → http response
 *
 * The count node sits in series (not on a second wire) because Node-RED deep-clones a message
 * for every extra wire, which would slow the peer for the bench's sake, not its own.
 */
export interface NodeRedFlowOptions {
  readonly brokerHost: string;
  readonly brokerPort: number;
  /** Unique per instance: Mosquitto disconnects a client when another connects with its id. */
  readonly clientId: string;
  /** The same filter hazgate's bench site subscribes for single readings, e.g. `bench/+`. */
  readonly topic: string;
  readonly qos: 0 | 1;
  /** Path of the websocket out node's listener, e.g. `/ws/alarms`. */
  readonly wsPath: string;
  /** Path of the http in node answering `{"count": N}`, e.g. `/bench/count`. */
  readonly countPath: string;
  /** Field of the JSON payload compared with the limit (`value`). */
  readonly valueField: string;
  readonly limit: number;
}

type FlowNode = Record<string, unknown> & { readonly id: string; readonly type: string };

// The counter lives in flow context (memory store: synchronous), shared by the two function nodes.
const COUNT_FN = "flow.set('n', (flow.get('n') || 0) + 1);\nreturn msg;";
const REPORT_FN = "msg.payload = { count: flow.get('n') || 0 };\nreturn msg;";

export function nodeRedFlow(o: NodeRedFlowOptions): FlowNode[] {
  // Ids that no property value can equal: Node-RED links config nodes by matching any string
  // property against node ids, and an id like 'json' (the node's own type) made it report a
  // circular dependency. Pinned by tests/unit/bench-peers.test.ts.
  const z = 'hg0tab';
  return [
    { id: z, type: 'tab', label: 'hazgate bench', disabled: false },
    {
      id: 'hg1broker', type: 'mqtt-broker', name: 'bench broker', broker: o.brokerHost, port: String(o.brokerPort),
      clientid: o.clientId, autoConnect: true, usetls: false, protocolVersion: '4',
      keepalive: '60', cleansession: true, autoUnsubscribe: true,
      birthTopic: '', closeTopic: '', willTopic: '',
    },
    {
      id: 'hg2mqttin', type: 'mqtt in', z, name: 'readings', topic: o.topic, qos: String(o.qos), datatype: 'utf8',
      broker: 'hg1broker', nl: false, rap: true, rh: 0, inputs: 0, wires: [['hg3json']],
    },
    // action "obj": always produce an object (the default would turn an object back into a string).
    { id: 'hg3json', type: 'json', z, name: 'parse', property: 'payload', action: 'obj', pretty: false, wires: [['hg4count']] },
    { id: 'hg4count', type: 'function', z, name: 'count', func: COUNT_FN, outputs: 1, wires: [['hg5switch']] },
    {
      id: 'hg5switch', type: 'switch', z, name: `${o.valueField} > ${o.limit}`, property: `payload.${o.valueField}`, propertyType: 'msg',
      rules: [{ t: 'gt', v: String(o.limit), vt: 'num' }], checkall: 'true', repair: false, outputs: 1, wires: [['hg7wsout']],
    },
    { id: 'hg6wslistener', type: 'websocket-listener', path: o.wsPath, wholemsg: 'false' },
    { id: 'hg7wsout', type: 'websocket out', z, name: 'alarms', server: 'hg6wslistener', client: '', wires: [] },
    { id: 'hg8httpin', type: 'http in', z, name: 'count endpoint', url: o.countPath, method: 'get', upload: false, wires: [['hg9report']] },
    { id: 'hg9report', type: 'function', z, name: 'report count', func: REPORT_FN, outputs: 1, wires: [['hg10httpout']] },
    { id: 'hg10httpout', type: 'http response', z, name: '', statusCode: '200', headers: {}, wires: [] },
  ];
}
