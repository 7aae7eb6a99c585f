// Who may post which notice to which group, from the notices policy: the role must be listed for the
// category, and the group must belong to the poster's own office or an office below it.
import type { Role } from '../api/access/actor';
import type { PolicyFile, NoticeCategory } from '../policy/schema';

export type PostingRefusal = { ok: false; field: 'category' | 'groupIds'; reason: string };

export function postingRefusal(
  policy: PolicyFile<'notices'>,
  role: Role,
  category: NoticeCategory,
  groupsOutsideScope: readonly string[],
): PostingRefusal | null {
  const rule = policy.posting.find((p) => p.category === category);
  if (!rule || !(rule.roles as readonly string[]).includes(role)) {
    const allowed = rule ? rule.roles.join(', ') : 'nobody';
    return { ok: false, field: 'category', reason: `a ${role} may not post ${category} notices (the rules allow: ${allowed})` };
  }
  if (groupsOutsideScope.length) {
    return { ok: false, field: 'groupIds', reason: `these groups are not your office's or below it: ${groupsOutsideScope.join(', ')}` };
  }
  return null;
}
