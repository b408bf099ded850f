import { describe, expect, it } from 'vitest';
import { toCommandLine } from '../../src/modules/lib/text/split-command.js';
import { quote } from '../../src/remote/quote.js';
import { containsSecret, maskSecrets, registerSecret } from '../../src/secrets/mask.js';

describe('containsSecret', () => {
  it('is false before any secret is registered, and for text without one', () => {
    expect(containsSecret('echo hello')).toBe(false);
    registerSecret('plain-secret-1');
    expect(containsSecret('echo hello')).toBe(false);
    expect(containsSecret('')).toBe(false);
  });

  it('finds a secret as it is and inside quote()', () => {
    registerSecret('plain-secret-2');
    expect(containsSecret(`psql -c ${quote('plain-secret-2')}`)).toBe(true);
  });

  it('finds a shell-hostile secret in its quoted forms, though the raw text is not there', () => {
    const secret = `hostile-3'"$HOME\`id\``;
    registerSecret(secret);
    for (const line of [
      quote(secret),
      `"${secret.replace(/[\\"$`]/g, '\\$&')}"`,
      toCommandLine(['/bin/echo', secret], true),
      toCommandLine(['/bin/echo', secret], false),
    ]) {
      expect(line).not.toContain(secret);
      expect(containsSecret(line)).toBe(true);
    }
  });

  it('does not count a line that holds only part of a secret', () => {
    registerSecret(`part-a-4'part-b-4`);
    expect(containsSecret('echo part-a-4')).toBe(false);
  });
});

describe('maskSecrets with quoted secrets', () => {
  it('masks a secret inside single and double quotes', () => {
    const secret = `quoted-5'"$x`;
    registerSecret(secret);
    expect(maskSecrets(`run: /bin/echo ${quote(secret)}`)).toBe(`run: /bin/echo '********'`);
    expect(maskSecrets(`x="${secret.replace(/[\\"$`]/g, '\\$&')}"`)).toBe('x="********"');
  });
});

describe('maskSecrets with a secret quoted several times over', () => {
  it('masks a quoted command line inside JSON, as a registered result prints it', () => {
    const secret = `nested-6 'q' "d" \\ $x`;
    registerSecret(secret);
    const shown = JSON.stringify({ msg: `run: /bin/echo ${quote(secret)}` });
    expect(maskSecrets(shown)).toBe(JSON.stringify({ msg: `run: /bin/echo '********'` }));
    expect(maskSecrets(JSON.stringify({ inner: shown }))).not.toContain('nested-6');
  });
});
