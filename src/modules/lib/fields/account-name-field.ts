/** A user or group name as useradd/groupadd accept it; nothing that could break a passwd line or read as an option. */
import { z } from 'zod';

export function accountNameField(kind: 'user' | 'group') {
  return z
    .string({ error: `must be a ${kind} name (a string)` })
    .regex(
      /^[A-Za-z0-9_.][A-Za-z0-9_.$-]*$/,
      `must be a ${kind} name: letters, digits, _ . - (and a final $), not starting with -`,
    );
}

/** A list of group names: a YAML list or Ansible's comma-separated string ('' means none). */
export const groupListField = z.preprocess(
  (value) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : value,
  z.array(accountNameField('group'), { error: 'must be a list of group names or a comma-separated string' }),
);
