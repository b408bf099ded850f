/** The shell steps of nginx_site that go beyond a file put: enabling a site with a validation guard. */
import { quote } from '../../remote/quote.js';

export const NGINX_TEST = 'nginx -t';

/**
 * Sh that links DST to SRC (replacing whatever DST was) and, when validate is set, runs `nginx -t`
 * with the link in place; on failure DST is put back as it was and the script exits 3.
 * Also used as a put's validateInPlace, so a failing new site puts the previous file back too.
 */
export function buildEnableScript(src: string, dst: string, validate: boolean): string {
  const lines = [
    `src=${quote(src)}; dst=${quote(dst)}; keep=""`,
    // A dot name is not matched by nginx's `include sites-enabled/*`, so the kept copy is never loaded.
    'if [ -L "$dst" ] || [ -e "$dst" ]; then keep=$(mktemp -u "$(dirname -- "$dst")/.drover-prev.XXXXXX"); mv -f -- "$dst" "$keep"; fi',
    'ln -s -- "$src" "$dst"',
  ];
  if (validate) {
    lines.push(
      `if ! ${NGINX_TEST} >&2; then rm -f -- "$dst"; if [ -n "$keep" ]; then mv -f -- "$keep" "$dst"; fi; echo "${NGINX_TEST} failed: $dst put back as it was" >&2; exit 3; fi`,
    );
  }
  lines.push('if [ -n "$keep" ]; then rm -f -- "$keep"; fi');
  return lines.join('\n');
}

/** Reloads nginx when it runs; a stopped nginx reads the new configuration when it starts. */
export const RELOAD_NGINX = 'if systemctl is-active --quiet nginx; then systemctl reload nginx; fi';
