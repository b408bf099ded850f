/** Finds the controller's address as the host sees it: $SSH_CLIENT of this session (through sudo too). */
import { parseProbeFields } from '../lib/probe/probe-fields.js';

/** sudo drops SSH_CLIENT from the environment, so the probe walks up to the login shell's. */
export const SSH_CLIENT_PROBE = [
  'if [ -n "${SSH_CLIENT:-}" ]; then echo "ssh_client=$SSH_CLIENT"; exit 0; fi',
  'p=$$',
  'while [ -n "$p" ] && [ "$p" -gt 1 ]; do',
  "  v=$(tr '\\000' '\\n' < /proc/$p/environ 2>/dev/null | sed -n 's/^SSH_CLIENT=//p' | head -n 1)",
  '  if [ -n "$v" ]; then echo "ssh_client=$v"; exit 0; fi',
  "  p=$(sed -n 's/^PPid:[[:space:]]*//p' /proc/$p/status 2>/dev/null)",
  'done',
].join('\n');

export interface SshClient {
  address: string;
  /** The host's sshd port the session came in on. */
  port: number;
}

export function parseSshClient(stdout: string): SshClient | undefined {
  const value = parseProbeFields(stdout).get('ssh_client');
  const [address, , port] = (value ?? '').trim().split(/\s+/);
  if (!address || !port || !/^\d+$/.test(port)) return undefined;
  return { address, port: Number(port) };
}
