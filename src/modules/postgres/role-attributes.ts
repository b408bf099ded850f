/** Role attributes (LOGIN, CREATEDB, ... and their NO forms) as postgres_user accepts and compares them. */
import { z } from 'zod';

/** Attribute keyword -> pg_authid column. */
export const ROLE_ATTRIBUTES = {
  LOGIN: 'rolcanlogin',
  SUPERUSER: 'rolsuper',
  CREATEDB: 'rolcreatedb',
  CREATEROLE: 'rolcreaterole',
  REPLICATION: 'rolreplication',
  INHERIT: 'rolinherit',
  BYPASSRLS: 'rolbypassrls',
} as const;

export type RoleAttribute = keyof typeof ROLE_ATTRIBUTES;
export const ATTRIBUTE_NAMES = Object.keys(ROLE_ATTRIBUTES) as RoleAttribute[];

/** Wanted attributes: true for LOGIN, false for NOLOGIN; attributes not named are left as they are. */
export type RoleAttributes = Partial<Record<RoleAttribute, boolean>>;

const KNOWN = ATTRIBUTE_NAMES.flatMap((name) => [name, `NO${name}`]).join(', ');

/** A comma-separated string ("CREATEDB,NOSUPERUSER", Ansible's role_attr_flags) or a list. */
export const roleAttributesField = z
  .union([z.string(), z.array(z.string())], {
    error: `must be a list of role attributes or a comma-separated string (${KNOWN})`,
  })
  .transform((value, ctx): RoleAttributes => {
    const words = (Array.isArray(value) ? value : value.split(','))
      .map((w) => w.trim().toUpperCase())
      .filter((w) => w !== '');
    const attributes: RoleAttributes = {};
    for (const word of words) {
      const negated = word.startsWith('NO') && word.slice(2) in ROLE_ATTRIBUTES;
      const name = (negated ? word.slice(2) : word) as RoleAttribute;
      if (!(name in ROLE_ATTRIBUTES)) {
        ctx.addIssue({ code: 'custom', message: `unknown role attribute ${word}: use ${KNOWN}` });
        continue;
      }
      if (attributes[name] === negated) {
        ctx.addIssue({ code: 'custom', message: `${name} and NO${name} are both given: keep one` });
        continue;
      }
      attributes[name] = !negated;
    }
    return attributes;
  });

/** "CREATEDB" or "NOCREATEDB". */
export function attributeWord(name: RoleAttribute, on: boolean): string {
  return on ? name : `NO${name}`;
}
