/**
 * The probe output format shared by the file modules: one `key=value` line per field. Values that
 * may hold arbitrary bytes (file content, link targets, paths) are base64 and their keys end in 64.
 */
import { DroverError } from '../../../errors.js';

export class ProbeFormatError extends DroverError {
  override name = 'ProbeFormatError';
}

/** Parses `key=value` lines; later keys win; lines without `=` are ignored. */
export function parseProbeFields(stdout: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return fields;
}

/** Decodes a base64 field; undefined when the field is absent. */
export function readBase64Field(fields: Map<string, string>, key: string): Buffer | undefined {
  const value = fields.get(key);
  return value === undefined ? undefined : Buffer.from(value, 'base64');
}

/** Sh that prints `KEY=<base64 of COMMAND's stdout>` on one line (no trailing newline inside). */
export function emitBase64(key: string, command: string): string {
  return `printf '%s=' ${key}; ${command} | base64 -w0; echo`;
}

/** Sh that prints `KEY=<base64 of the file at PATH_EXPR>` on one line, with one process. */
export function emitFileBase64(key: string, pathExpr: string): string {
  return `printf '%s=' ${key}; base64 -w0 < ${pathExpr}; echo`;
}

/** Text when the bytes are valid UTF-8 without NUL bytes; undefined for binary content. */
export function decodeText(bytes: Buffer): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
