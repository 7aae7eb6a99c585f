// The main menu: what each role is shown. Hiding a link is only manners; the API decides access.
import type { Role } from '$api/access/actor';
import { m } from '$lib/paraglide/messages';

export interface NavItem {
  href: string;
  label: () => string;
  roles?: readonly Role[];
}

const OFFICERS: readonly Role[] = ['hq_admin', 'divisional_officer', 'district_officer', 'upazila_officer', 'collector', 'auditor'];
const WRITERS: readonly Role[] = ['hq_admin', 'divisional_officer', 'district_officer', 'upazila_officer', 'collector'];

export const NAV: readonly NavItem[] = [
  { href: '/', label: m.nav_dashboard },
  { href: '/offices', label: m.nav_offices, roles: OFFICERS },
  { href: '/loans', label: m.nav_loans },
  { href: '/defaulters', label: m.nav_defaulters },
  { href: '/blacklist', label: m.nav_blacklist },
  { href: '/corrections', label: m.nav_corrections },
  { href: '/payments', label: m.nav_payments, roles: OFFICERS },
  { href: '/imports', label: m.nav_imports, roles: WRITERS },
  { href: '/rules', label: m.nav_rules, roles: OFFICERS },
  { href: '/messages', label: m.nav_messages, roles: OFFICERS },
  { href: '/notices', label: m.nav_notices },
  { href: '/network', label: m.nav_network, roles: OFFICERS },
];

export const navFor = (role: Role | undefined): NavItem[] => NAV.filter((i) => !i.roles || (role && i.roles.includes(role)));
