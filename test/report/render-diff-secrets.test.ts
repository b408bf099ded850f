import { describe, expect, it } from 'vitest';
import { renderUnifiedDiff } from '../../src/report/render-diff.js';
import { registerSecret } from '../../src/secrets/mask.js';

describe('a diff that brings in a secret', () => {
  it('masks the value the secret replaces, which drover no longer knows as a secret', () => {
    registerSecret('new-secret-1');
    const diff = renderUnifiedDiff({
      path: '/etc/app.conf',
      before: 'user=app\npassword=old-secret-1\nport=1\n',
      after: 'user=app\npassword=new-secret-1\nport=2\n',
    });
    expect(diff).not.toContain('old-secret-1');
    // Removed and added lines pair up in order; a line without a secret keeps its diff.
    expect(diff).toContain('-password=********\n-port=1\n+password=********\n+port=2\n');
  });

  it('keeps the parts of the old line around the secret, even when they share characters with it', () => {
    registerSecret('shared-NEW');
    const diff = renderUnifiedDiff({ path: '/x', before: 'key = "shared-OLD";\n', after: 'key = "shared-NEW";\n' });
    expect(diff).toContain('-key = "********";\n+key = "********";');
  });

  it('masks a secret in its quoted form, and leaves a line it only adds alone', () => {
    const secret = `q'uo"ted-2`;
    registerSecret(secret);
    const diff = renderUnifiedDiff({ path: '/x', before: 'a\n', after: `a\npw='q'\\''uo"ted-2'\n` });
    expect(diff).toContain(`+pw='********'`);
    expect(diff).toContain(' a\n');
  });
});
