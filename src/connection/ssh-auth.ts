import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { ResolvedSshSettings } from './ssh-settings.js';
import { DroverError } from '../errors.js';

/** Asks the user for a key's passphrase (e.g. on the terminal) when DROVER_SSH_PASSPHRASE is not set. */
export type PassphrasePrompt = (keyFile: string) => Promise<string>;

export interface AuthSources {
  /** ssh-agent socket; SSH_AUTH_SOCK when omitted. */
  agentSocket?: string;
  promptPassphrase?: PassphrasePrompt;
}

export type AuthAttempt =
  | { type: 'publickey'; username: string; key: Buffer; passphrase?: string; label: string }
  | { type: 'agent'; username: string; agent: string; label: string }
  | { type: 'password'; username: string; password: string; label: string }
  | { type: 'keyboard-interactive'; username: string; prompt: KeyboardPrompt; label: string };

type KeyboardPrompt = (
  name: string,
  instructions: string,
  lang: string,
  prompts: Array<{ prompt: string; echo: boolean }>,
  finish: (answers: string[]) => void,
) => void;

export class KeyFileError extends DroverError {
  override name = 'KeyFileError';
}

/**
 * The authentication attempts for one link, in the order OpenSSH makes them: the inventory's key
 * file, the agent's keys, other key files, then the password (plain and keyboard-interactive).
 */
export async function buildAuthAttempts(settings: ResolvedSshSettings, sources: AuthSources): Promise<AuthAttempt[]> {
  const username = settings.user;
  const attempts: AuthAttempt[] = [];
  const keyAttempts: AuthAttempt[] = [];
  const agent = sources.agentSocket ?? process.env.SSH_AUTH_SOCK;
  for (const file of settings.identityFiles) {
    const loaded = await loadKey(file, sources, Boolean(agent));
    if (loaded) keyAttempts.push({ type: 'publickey', username, ...loaded, label: `key ${file}` });
  }
  attempts.push(...keyAttempts.slice(0, 1));
  if (agent) attempts.push({ type: 'agent', username, agent, label: `ssh-agent (${agent})` });
  attempts.push(...keyAttempts.slice(1));
  const password = settings.password;
  if (password !== undefined) {
    attempts.push({ type: 'password', username, password, label: 'password' });
    attempts.push({
      type: 'keyboard-interactive',
      username,
      label: 'keyboard-interactive password',
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
    });
  }
  return attempts;
}

/** Loads a key file; an encrypted key with no passphrase at hand is skipped when the agent may hold it. */
async function loadKey(
  file: string,
  sources: AuthSources,
  haveAgent: boolean,
): Promise<{ key: Buffer; passphrase?: string } | undefined> {
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (error) {
    throw new KeyFileError(
      `cannot read private key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const plain = ssh2.utils.parseKey(key);
  if (!(plain instanceof Error)) return { key };
  if (!/encrypted|passphrase/i.test(plain.message)) {
    throw new KeyFileError(`${file} is not a usable private key: ${plain.message}`, { cause: plain });
  }
  const passphrase = process.env.DROVER_SSH_PASSPHRASE ?? (await sources.promptPassphrase?.(file));
  if (passphrase === undefined) {
    if (haveAgent) return undefined;
    throw new KeyFileError(
      `private key ${file} is encrypted: set DROVER_SSH_PASSPHRASE, load it into ssh-agent, or run interactively`,
    );
  }
  const decrypted = ssh2.utils.parseKey(key, passphrase);
  if (decrypted instanceof Error) {
    throw new KeyFileError(`wrong passphrase for private key ${file} (${decrypted.message})`, { cause: decrypted });
  }
  return { key, passphrase };
}
