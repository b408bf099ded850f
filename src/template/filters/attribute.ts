/** Jinja2's attribute paths (map(attribute='a.b'), selectattr('x.0')): keys of dicts, items of lists. */
import { Undefined } from '../jinja/undefined.js';
import { isMapping, unwrap } from '../python/values.js';

export function getAttribute(item: unknown, path: unknown): unknown {
  let current = unwrap(item);
  const parts = typeof path === 'number' ? [path] : String(path).split('.');
  let name = '';
  for (const part of parts) {
    if (current instanceof Undefined) return current;
    const index = typeof part === 'number' ? part : /^\d+$/.test(part) ? Number(part) : undefined;
    const key = String(part);
    if (Array.isArray(current) && index !== undefined && index < current.length) current = current[index];
    else if (isMapping(current) && Object.hasOwn(current, key)) current = current[key];
    else {
      const keys = isMapping(current) ? Object.keys(current) : [];
      return new Undefined(`${name}${key}`, () => keys);
    }
    name = `${name}${key}.`;
  }
  return current;
}
