/** Per-database settings (ALTER DATABASE ... SET): the wanted map, and what pg_db_role_setting holds. */
import { z } from 'zod';

const GUC_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

const scalar = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((value) => (typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value)));

/**
 * name -> value; numbers and booleans become their text (statement_timeout: 5000, jit: off). A
 * list is a list-valued parameter (search_path: [$user, public]), one SQL literal per element.
 */
export const settingsField = z
  .record(
    z
      .string()
      .regex(
        GUC_NAME,
        'setting names are PostgreSQL parameter names such as timezone or default_transaction_isolation',
      ),
    z.union([scalar, z.array(scalar).min(1)], { error: 'must be a string, number, boolean or a list of them' }),
  )
  .default({});

export type SettingValue = string | string[];

/** How PostgreSQL prints an element of a list parameter: bare when a plain lower-case name, else "quoted". */
function listElement(element: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(element) ? element : `"${element.replace(/"/g, '""')}"`;
}

/** The value as pg_db_role_setting will hold it after ALTER DATABASE ... SET. */
export function storedSettingText(value: SettingValue): string {
  return Array.isArray(value) ? value.map(listElement).join(', ') : value;
}

/** Parameter names are case-insensitive: pg_db_role_setting spells timezone as TimeZone. */
export function settingKey(name: string): string {
  return name.toLowerCase();
}

/** setconfig entries "TimeZone=UTC" -> Map(timezone -> { name, value }). */
export function parseSettingEntries(entries: string[]): Map<string, { name: string; value: string }> {
  const settings = new Map<string, { name: string; value: string }>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) continue;
    settings.set(settingKey(entry.slice(0, at)), { name: entry.slice(0, at), value: entry.slice(at + 1) });
  }
  return settings;
}
