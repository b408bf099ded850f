/** Long plays and loops over SSH: no "Argument list too long", no dropped packet, bounded exec counts. */
import { afterAll, beforeAll } from 'vitest';
import { SshConnection } from '../../src/connection/ssh.js';
import { describeLongPlays } from '../helpers/long-plays.js';
import { sshTarget, startSshd, type TestSshd } from '../helpers/sshd.js';

let sshd: TestSshd;

beforeAll(async () => {
  sshd = await startSshd({ name: 'longplay', subnet: 28 });
});
afterAll(() => sshd?.stop());

describeLongPlays('over SSH', () => {
  const target = sshTarget(sshd);
  return {
    inventoryLine: sshd.namespace,
    host: sshd.namespace,
    connect: () => new SshConnection(target.settings, target.options),
  };
});
