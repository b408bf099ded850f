import { describe, expect, it } from 'vitest';
import { decryptText, encryptText, VAULT_HEADER, VaultError } from '../../src/vault/vault-crypto.js';

describe('vault encryption', () => {
  it('round-trips text, with a versioned header and a fresh salt each time', () => {
    const secret = 'pä$$ "word"\nline two';
    const a = encryptText(secret, 'hunter2');
    const b = encryptText(secret, 'hunter2');
    expect(a.split('\n')[0]).toBe(VAULT_HEADER);
    expect(a).not.toBe(b);
    expect(a).not.toContain('word');
    expect(decryptText(a, 'hunter2')).toBe(secret);
  });

  it('refuses a wrong password with a clear error', () => {
    const block = encryptText('secret', 'right');
    expect(() => decryptText(block, 'wrong', 'group_vars/db.yml')).toThrow(VaultError);
    expect(() => decryptText(block, 'wrong', 'group_vars/db.yml')).toThrow(/group_vars\/db.yml: wrong vault password/);
  });

  it('detects tampering', () => {
    const block = encryptText('secret', 'pw');
    const lines = block.trimEnd().split('\n');
    const body = Buffer.from(lines.slice(1).join(''), 'base64');
    body[body.length - 1] ^= 1;
    expect(() => decryptText(`${lines[0]}\n${body.toString('base64')}\n`, 'pw')).toThrow(
      /wrong vault password, or the data was changed/,
    );
  });

  it('names an Ansible vault instead of failing obscurely', () => {
    expect(() => decryptText('$ANSIBLE_VAULT;1.1;AES256\n6162\n', 'pw')).toThrow(/Ansible vault/);
  });
});
