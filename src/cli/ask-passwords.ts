import { registerSecret } from '../secrets/mask.js';
import { promptSecretSync } from './prompt-secret.js';

export interface AskPasswordOptions {
  askPass?: boolean;
  askBecomePass?: boolean;
}

export interface AskedPasswords {
  /** SSH login password for hosts with no ansible_password (-k). */
  password?: string;
  /** sudo password for hosts and tasks with no ansible_become_password (-K). */
  becomePassword?: string;
}

/**
 * Asks once, before anything runs, for the passwords requested with -k / -K (as ansible-playbook
 * does), without echo. Each answer is registered as a secret, so it is masked in all output.
 */
export function askConnectionPasswords(options: AskPasswordOptions): AskedPasswords {
  const asked: AskedPasswords = {};
  if (options.askPass)
    asked.password = promptSecretSync(
      'SSH password: ',
      'set ansible_password (from a vault variable) instead of --ask-pass',
    );
  if (options.askBecomePass)
    asked.becomePassword = promptSecretSync(
      `BECOME password${asked.password !== undefined ? '[defaults to SSH password]' : ''}: `,
      'set ansible_become_password (from a vault variable) instead of --ask-become-pass',
    );
  // Like ansible-playbook: an empty become answer after -k reuses the SSH password.
  if (asked.becomePassword === '' && asked.password !== undefined) asked.becomePassword = asked.password;
  registerSecret(asked.password);
  registerSecret(asked.becomePassword);
  return asked;
}
