// Which role may do which direct write. Reads are governed by scope alone (scope.ts); a direct
// write also needs the record to belong to the actor's own office — a higher office changes a
// subordinate office's data only through a correction request.
import type { Role } from './actor';

export const WRITE_PERMISSIONS = {
  'society.create': ['upazila_officer'],
  /** Leaders elected, AGM/audit/election dates, active or not, contact consent. */
  'society.register': ['upazila_officer', 'collector'],
  'borrower.create': ['upazila_officer', 'collector'],
  'loan.disburse': ['upazila_officer'],
  'loan.close': ['upazila_officer'],
  'payment.record': ['upazila_officer', 'collector'],
  'user.manage': ['hq_admin', 'divisional_officer', 'district_officer', 'upazila_officer'],
} as const satisfies Record<string, readonly Role[]>;

export type WriteAction = keyof typeof WRITE_PERMISSIONS;

export function roleMay(role: Role, action: WriteAction): boolean {
  return (WRITE_PERMISSIONS[action] as readonly Role[]).includes(role);
}
