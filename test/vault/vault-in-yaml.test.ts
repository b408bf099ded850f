import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readYamlFile, YamlSyntaxError } from '../../src/playbook/source.js';
import { maskSecrets } from '../../src/secrets/mask.js';
import { setVaultPassword } from '../../src/vault/keyring.js';
import { encryptText } from '../../src/vault/vault-crypto.js';

const indent = (block: string) =>
  block
    .trimEnd()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');

describe('vault values in YAML files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'drover-vault-'));
    setVaultPassword('correct horse');
  });

  it('decrypts inline !vault values and registers them as secrets', () => {
    const file = join(dir, 'vars.yml');
    writeFileSync(
      file,
      `db_user: shop\ndb_password: !vault |\n${indent(encryptText('Canary-42-secret', 'correct horse'))}\n`,
    );
    expect(readYamlFile(file).value).toEqual({ db_user: 'shop', db_password: 'Canary-42-secret' });
    expect(maskSecrets('password is Canary-42-secret.')).toBe('password is ********.');
  });

  it('decrypts a wholly encrypted file in memory, and masks the strings it holds, not its numbers', () => {
    const file = join(dir, 'vault.yml');
    writeFileSync(
      file,
      encryptText(
        'rabbit_password: Other-Canary-7\nusers:\n  - { name: ops, token: Nested-Canary-8 }\nport: 5672\n',
        'correct horse',
      ),
    );
    expect(readYamlFile(file).value).toEqual({
      rabbit_password: 'Other-Canary-7',
      users: [{ name: 'ops', token: 'Nested-Canary-8' }],
      port: 5672,
    });
    expect(maskSecrets('Other-Canary-7 and Nested-Canary-8 on 5672')).toBe('******** and ******** on 5672');
  });

  it('reports a value encrypted with another password with its file and line', () => {
    const file = join(dir, 'wrong.yml');
    writeFileSync(file, `a: 1\nb: !vault |\n${indent(encryptText('x', 'another password'))}\n`);
    try {
      readYamlFile(file);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(YamlSyntaxError);
      expect((error as YamlSyntaxError).location.line).toBe(2);
      expect((error as Error).message).toMatch(/wrong vault password/);
    }
  });
});

describe('commands that need only host names', () => {
  it('leave vault values encrypted and ask for no password', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { runCli } = await import('../helpers/run-cli.js');
    const dir = mkdtempSync(join(tmpdir(), 'drover-lab-vault-'));
    writeFileSync(
      join(dir, 'hosts.yml'),
      `all:\n  hosts:\n    web1:\n      secret: !vault |\n${encryptText('x', 'pw')
        .trimEnd()
        .split('\n')
        .map((l) => `        ${l}`)
        .join('\n')}\n`,
    );
    const result = await runCli(['lab', 'status', '-i', join(dir, 'hosts.yml'), '--json']);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).hosts.map((h: { name: string }) => h.name)).toEqual(['web1']);
  });
});
