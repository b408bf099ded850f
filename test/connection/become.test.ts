import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../src/connection/ssh.js';
import { BecomeError, type ConnectionSettings } from '../../src/connection/types.js';
import { connectToSshd, createUser, startSshd, type TestSshd } from '../helpers/sshd.js';
import { whileSampling } from '../helpers/command-lines.js';

let sshd: TestSshd;
const cleanups: Array<() => void> = [];
const SUDO_PASSWORD = `s3cret 'quoted' $HOME \`x\``;

beforeAll(async () => {
  sshd = await startSshd({ name: 'become', subnet: 15 });
  cleanups.push(createUser('drvbec15', SUDO_PASSWORD, 'drvbec15 ALL=(ALL:ALL) ALL'));
  cleanups.push(createUser('drvnop15', 'unused-password', 'drvnop15 ALL=(ALL:ALL) NOPASSWD: ALL'));
  cleanups.push(createUser('drvnos15', 'no-sudo-password'));
});

afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  sshd?.stop();
});

async function connectAs(settings: Partial<ConnectionSettings>): Promise<SshConnection> {
  return connectToSshd(sshd, settings, cleanups);
}

describe('become over SSH', () => {
  it('root login becomes another user without a password', async () => {
    const connection = await connectAs({ user: 'root' });
    const result = await connection.exec('id -un; echo "$HOME"; cat', { become: { user: 'drvnop15' }, stdin: 'piped' });
    expect(result).toEqual({ code: 0, stdout: 'drvnop15\n/home/drvnop15\npiped', stderr: '' });
    // Becoming the login user needs no sudo at all.
    expect((await connection.exec('id -un', { become: { user: 'root' } })).stdout).toBe('root\n');
  });

  it('a user whose sudo needs a password becomes root with it, and stdin still reaches the command', async () => {
    const connection = await connectAs({ user: 'drvbec15' });
    const result = await connection.exec('id -un; cat; echo err >&2', {
      become: { password: SUDO_PASSWORD },
      stdin: 'after the password',
    });
    expect(result).toEqual({ code: 0, stdout: 'root\nafter the password', stderr: 'err\n' });
  });

  it('a wrong password fails fast with BecomeError, and the connection stays usable', async () => {
    const connection = await connectAs({ user: 'drvbec15' });
    const started = Date.now();
    const error = await connection.exec('id -un', { become: { password: 'wrong' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BecomeError);
    expect((error as Error).message).toContain('rejected the become password');
    expect((error as Error).message).not.toContain('wrong');
    // pam_unix waits about 2 s after a failure; drover gives up at sudo's second prompt.
    // Not the command timeout (an hour): the handshake gave up by itself.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect((await connection.exec('id -un')).stdout).toBe('drvbec15\n');
  });

  it('without the password a password-protected sudo is a BecomeError naming the fix', async () => {
    const connection = await connectAs({ user: 'drvbec15' });
    await expect(connection.exec('true', { become: {} })).rejects.toThrow(
      /password is required.*ansible_become_password/,
    );
  });

  it('a user that may not sudo gets a BecomeError, not a failed command', async () => {
    const connection = await connectAs({ user: 'drvnos15' });
    const error = await connection
      .exec('true', { become: { password: 'no-sudo-password' } })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BecomeError);
    expect((error as Error).message).toMatch(/not in the sudoers file|may not run/);
  });

  it('a NOPASSWD user with a password given still runs the command', async () => {
    const connection = await connectAs({ user: 'drvnop15' });
    expect((await connection.exec('id -un', { become: { password: 'unused-password' } })).stdout).toBe('root\n');
  });

  it('never puts the sudo password or stdin secrets on a command line', async () => {
    const connection = await connectAs({ user: 'drvbec15' });
    const stdinSecret = `stdin-secret-${process.pid}`;
    const { result, seen: all } = await whileSampling(() =>
      connection.exec('read -r line; sleep 1; printf %s "$line" | wc -c', {
        become: { password: SUDO_PASSWORD },
        stdin: `${stdinSecret}\n`,
      }),
    );
    expect(result.stdout.trim()).toBe(String(stdinSecret.length));
    // The sampler did see the command running, so the check below is not vacuous.
    expect(all.some((line) => line.includes('sleep 1'))).toBe(true);
    expect(all.filter((line) => line.includes(stdinSecret) || line.includes('s3cret'))).toEqual([]);
  });
});
