import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { runTool } from './run-tool.js';

/** The lab's client key pair (ed25519), made once and kept in the state dir. */
export async function ensureLabKey(keyPath: string): Promise<void> {
  try {
    await readFile(`${keyPath}.pub`, 'utf8');
    await readFile(keyPath, 'utf8');
    return;
  } catch {
    // make a new pair below
  }
  await mkdir(dirname(keyPath), { recursive: true, mode: 0o700 });
  await rm(keyPath, { force: true });
  await rm(`${keyPath}.pub`, { force: true });
  await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'drover-lab', '-f', keyPath]);
}

/**
 * Makes a host's sshd key in its overlay before boot and returns the public key line,
 * so known_hosts is written from the file, not learned over the network.
 */
export async function generateHostKey(sshDir: string, host: string): Promise<string> {
  await mkdir(sshDir, { recursive: true, mode: 0o755 });
  const keyFile = join(sshDir, 'ssh_host_ed25519_key');
  await rm(keyFile, { force: true });
  await rm(`${keyFile}.pub`, { force: true });
  await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${host}`, '-f', keyFile]);
  return (await readFile(`${keyFile}.pub`, 'utf8')).trim();
}

/** Reads a host's public host key back from its overlay. */
export async function readHostKey(sshDir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(sshDir, 'ssh_host_ed25519_key.pub'), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

/** known_hosts with one line per host, matched by both its inventory name and its address. */
export async function writeKnownHosts(
  file: string,
  entries: Array<{ name: string; address: string; publicKey: string }>,
): Promise<void> {
  const lines = entries.map(({ name, address, publicKey }) => {
    const [type, key] = publicKey.split(/\s+/);
    return `${name},${address} ${type} ${key}`;
  });
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, lines.join('\n') + (lines.length ? '\n' : ''), { mode: 0o644 });
}
