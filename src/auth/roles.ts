import { PERMISSIONS, ROLES, type OperatorAction, type Permission, type Role } from '../core/index.js';

/**
 * What each role adds to the one below it (viewer ⊂ operator ⊂ engineer ⊂ admin). Why each
 * permission sits where it does is in docs/auth.md; the short of it, after ISA-18.2:
 * acknowledging, confirming, commenting, shelving and resetting a latched alarm once its cause has
 * cleared are the operator's console work (18.2 defines a latched alarm as one needing an
 * operator reset); taking an alarm out of service, bypassing an interlock and changing rules or
 * setpoints are engineering and maintenance changes under MOC; users and the gateway's own config
 * are the administrator's.
 */
const ADDED_BY: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['read'],
  operator: ['alarm.acknowledge', 'alarm.comment', 'alarm.confirm', 'alarm.shelve', 'alarm.unshelve', 'alarm.reset'],
  engineer: ['alarm.out-of-service', 'alarm.in-service', 'bypass.write', 'rules.write', 'setpoints.write'],
  admin: ['users.admin', 'config.admin'],
};

/** Every permission a role grants, its own and those of the roles below it. */
function grantedTo(role: Role): ReadonlySet<Permission> {
  return new Set(ROLES.slice(0, ROLES.indexOf(role) + 1).flatMap((r) => ADDED_BY[r]));
}

export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  viewer: grantedTo('viewer'),
  operator: grantedTo('operator'),
  engineer: grantedTo('engineer'),
  admin: grantedTo('admin'),
};

/** The permission each operator action on an alarm needs (REST `POST /api/alarms/{id}/{action}`, WS `ack`/`action`). */
export const ACTION_PERMISSION: Readonly<Record<OperatorAction, Permission>> = {
  acknowledge: 'alarm.acknowledge',
  confirm: 'alarm.confirm',
  comment: 'alarm.comment',
  shelve: 'alarm.shelve',
  unshelve: 'alarm.unshelve',
  reset: 'alarm.reset',
  'out-of-service': 'alarm.out-of-service',
  'in-service': 'alarm.in-service',
};

export function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}

export function isPermission(name: string): name is Permission {
  return (PERMISSIONS as readonly string[]).includes(name);
}

/** Whether any of the roles grants the permission. */
export function rolesGrant(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => ROLE_PERMISSIONS[r].has(permission));
}

/** The lowest role that grants the permission (for messages: "needs operator"). */
export function lowestRoleFor(permission: Permission): Role {
  return ROLES.find((r) => ROLE_PERMISSIONS[r].has(permission)) ?? 'admin';
}
