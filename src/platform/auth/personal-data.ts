/**
 * Personal data (个人信息) of citizens: how it is masked for everyone who does not need it, and who needs
 * it. Pure rules; the services apply them and audit every view in clear (docs/SECURITY.md).
 */
import type { Principal, Role } from './roles.js';

/** 138****1234: the first three and the last four digits; short numbers keep only their last two. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  if (digits.length >= 8) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return `${'*'.repeat(Math.max(1, digits.length - 2))}${digits.slice(-2)}`;
}

/** 王**: the first character and one star per remaining character. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

/** w***@example.com */
export function maskEmail(email: string): string {
  const [user = '', domain = ''] = email.split('@');
  return `${user.slice(0, 1)}***@${domain}`;
}

export interface Reporter {
  name?: string;
  phone?: string;
  email?: string;
}

export function maskReporter(r: Reporter): Reporter {
  return {
    ...(r.name !== undefined && { name: maskName(r.name) }),
    ...(r.phone !== undefined && { phone: maskPhone(r.phone) }),
    ...(r.email !== undefined && { email: maskEmail(r.email) }),
  };
}

/** What personal-data decisions need to know of a case. */
export interface CaseForPrivacy {
  kind: string;
  areaCode: string;
  assignedUnitId: string | null;
  createdUnitId: string | null;
}

/** Roles that take citizens' calls and reports and call them back (受理): operator and shift lead. */
export const INTAKE_ROLES: readonly Role[] = ['operator', 'shift_lead'];

/**
 * How a caller may see the reporter of a case they can already see:
 * - `reveal`: masked in the detail, and in clear on request (audited);
 * - `masked`: masked only;
 * - `hidden`: not at all (a petitioner's identity, to everyone but the petition's units).
 * Intake roles of the case's area and the handlers of the unit handling it need a reporter's contact (to
 * take the call, to call back); for petitions (信访) only the handlers of the unit handling it and the
 * intake staff of the unit that registered it.
 */
export function reporterAccess(
  p: Pick<Principal, 'roles' | 'scope' | 'unitId'>,
  c: CaseForPrivacy,
): 'reveal' | 'masked' | 'hidden' {
  const intake = p.roles.some((r) => INTAKE_ROLES.includes(r));
  const handling = !!p.unitId && c.assignedUnitId === p.unitId && p.roles.includes('handler');
  if (c.kind === 'petition') {
    const registering = !!p.unitId && c.createdUnitId === p.unitId && intake;
    return handling || registering ? 'reveal' : 'hidden';
  }
  if (handling) return 'reveal';
  return intake && c.areaCode.startsWith(p.scope) ? 'reveal' : 'masked';
}
