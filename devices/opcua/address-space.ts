import { DataType, makeEUInformation, StatusCodes, Variant, type Namespace, type UAObject, type UAVariable } from 'node-opcua';
import type { ScenarioPoint } from '../simulator/scenario.js';
import { engineeringUnitOf, LOAD_FOLDER, loadItemId, PLANT_FOLDER, pointVariableSpec, SIM_NAMESPACE_URI, type PlantGroup, type PointVariableSpec } from './address-model.js';
import type { SimStatusName, VariableState } from './variable-state.js';

/*
 * Builds the simulator's nodes in namespace 1: Objects/Plant/<Group>/<pointId> for every scenario
 * point and Objects/Plant/Load/Load.<n> for the synthetic load items, and writes values into them.
 */

/** One scenario point's variable and its last written state. */
export interface PointVariable {
  readonly spec: PointVariableSpec;
  readonly point: ScenarioPoint;
  readonly node: UAVariable;
  last: VariableState | undefined;
}

export interface PlantNodes {
  readonly points: readonly PointVariable[];
  readonly loadItems: readonly UAVariable[];
}

/** Every status the simulator writes, by name (variable-state.ts chooses them). */
const STATUS_CODES: Readonly<Record<SimStatusName, (typeof StatusCodes)['Good']>> = {
  Good: StatusCodes.Good,
  BadSensorFailure: StatusCodes.BadSensorFailure,
  BadCommunicationError: StatusCodes.BadCommunicationError,
  BadNoCommunication: StatusCodes.BadNoCommunication,
  UncertainEngineeringUnitsExceeded: StatusCodes.UncertainEngineeringUnitsExceeded,
};

export function buildPlantNodes(namespace: Namespace, objectsFolder: UAObject, points: readonly ScenarioPoint[], loadItems: number): PlantNodes {
  if (namespace.namespaceUri !== SIM_NAMESPACE_URI || namespace.index !== 1) {
    throw new Error(`OPC UA simulator: own namespace is ${namespace.index} ${namespace.namespaceUri}, expected 1 ${SIM_NAMESPACE_URI}`);
  }
  const plant = namespace.addFolder(objectsFolder, { browseName: PLANT_FOLDER, nodeId: `ns=1;s=${PLANT_FOLDER}` });
  const groups = new Map<PlantGroup, UAObject>();
  const groupFolder = (group: PlantGroup): UAObject => {
    let folder = groups.get(group);
    if (folder === undefined) {
      folder = namespace.addFolder(plant, { browseName: group, nodeId: `ns=1;s=${PLANT_FOLDER}.${group}` });
      groups.set(group, folder);
    }
    return folder;
  };
  const pointVariables = points.map((point): PointVariable => {
    const spec = pointVariableSpec(point);
    return { spec, point, node: addPointVariable(namespace, groupFolder(spec.group), spec), last: undefined };
  });
  const loadFolder = loadItems > 0 ? namespace.addFolder(plant, { browseName: LOAD_FOLDER, nodeId: `ns=1;s=${PLANT_FOLDER}.${LOAD_FOLDER}` }) : undefined;
  const loadVariables = loadFolder === undefined ? [] : Array.from({ length: loadItems }, (_, n) => {
    const id = loadItemId(n);
    return namespace.addVariable({ browseName: id, nodeId: `ns=1;s=${id}`, organizedBy: loadFolder, dataType: 'Double', accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead' });
  });
  return { points: pointVariables, loadItems: loadVariables };
}

/** Read-only: hazgate monitors an SIS, it never writes to one. */
function addPointVariable(namespace: Namespace, folder: UAObject, spec: PointVariableSpec): UAVariable {
  const common = {
    browseName: spec.browseName,
    nodeId: `ns=1;s=${spec.pointId}`,
    organizedBy: folder,
    dataType: spec.dataType,
    accessLevel: 'CurrentRead',
    userAccessLevel: 'CurrentRead',
  } as const;
  if (spec.euRange === undefined) return namespace.addVariable(common);
  return namespace.addAnalogDataItem({
    ...common,
    engineeringUnitsRange: spec.euRange,
    ...(spec.unit === undefined ? {} : { engineeringUnits: euInformation(spec.unit) }),
  });
}

function euInformation(unit: string): ReturnType<typeof makeEUInformation> {
  const eu = engineeringUnitOf(unit);
  const info = makeEUInformation(eu.commonCode ?? '', eu.displayName, eu.description);
  // OPC UA Part 8 §5.6.3: -1 when the unit has no UNECE code.
  if (eu.commonCode === undefined) info.unitId = -1;
  return info;
}

/** Writes a state with the simulator's clock as source timestamp (node-opcua sets the server timestamp). */
export function writeState(variable: PointVariable, state: VariableState, sourceTime: Date): void {
  const dataType = variable.spec.dataType === 'Double' ? DataType.Double : DataType.Boolean;
  const variant = state.value === null ? new Variant({ dataType: DataType.Null }) : new Variant({ dataType, value: state.value });
  variable.node.setValueFromSource(variant, STATUS_CODES[state.status], sourceTime);
  variable.last = state;
}

export function writeLoadValue(node: UAVariable, value: number, sourceTime: Date): void {
  node.setValueFromSource(new Variant({ dataType: DataType.Double, value }), StatusCodes.Good, sourceTime);
}
