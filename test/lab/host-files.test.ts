import { describe, expect, it } from 'vitest';
import { parseDeb822Sources } from '../../src/lab/apt-mirror.js';
import { renderAptSources } from '../../src/lab/host-files.js';

describe('apt sources of a lab host', () => {
  it('names exactly the mirrors of the machine, with the suites bookworm needs', () => {
    const text = renderAptSources({ debian: 'http://mirror.unusual.test:8080/pub/debian-archive', security: 'https://sec.unusual.test/debsec' });
    expect(parseDeb822Sources(text)).toEqual([
      { uri: 'http://mirror.unusual.test:8080/pub/debian-archive', suites: ['bookworm', 'bookworm-updates'] },
      { uri: 'https://sec.unusual.test/debsec', suites: ['bookworm-security'] },
    ]);
    expect(text).not.toMatch(/debian\.org/);
  });

  it('leaves the security stanza out when the machine has no security mirror', () => {
    const text = renderAptSources({ debian: 'http://mirror.unusual.test/debian' });
    expect(parseDeb822Sources(text).map((e) => e.uri)).toEqual(['http://mirror.unusual.test/debian']);
  });
});
