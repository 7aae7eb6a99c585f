export const ROLES = ['hq_admin', 'divisional_officer', 'district_officer', 'upazila_officer', 'collector', 'auditor', 'society_rep'] as const;
export type Role = (typeof ROLES)[number];

/** The person making a request, as the session found them. */
export interface Actor {
  id: string;
  username: string;
  name: string;
  role: Role;
  officeId: string;
  societyId: string | null;
  language: 'bn' | 'en';
  mustChangePassword: boolean;
}
