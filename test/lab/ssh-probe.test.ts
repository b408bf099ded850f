import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeBanner, probePort, probeSsh } from '../../src/lab/ssh-probe.js';

let server: Server | undefined;
afterEach(() => server?.close());

/** A TCP server on a free loopback port; onConnection decides what a client gets. */
async function listen(onConnection: (socket: import('node:net').Socket) => void): Promise<number> {
  server = createServer(onConnection);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as import('node:net').AddressInfo).port;
}

/** probeSsh asks port 22; probeBanner is the same reader on a port of the test's own. */
describe('probing a lab host', () => {
  it('answers false at once when the server closes without a banner, as sshd does while its host shuts down', async () => {
    const port = await listen((socket) => socket.end());
    const started = Date.now();
    expect(await probePort('127.0.0.1', port, 60_000)).toBe(true);
    expect(await probeBanner('127.0.0.1', port, 60_000)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('reads the banner of a server that sends one', async () => {
    const port = await listen((socket) => socket.end('SSH-2.0-test\r\n'));
    expect(await probeBanner('127.0.0.1', port, 5000)).toBe('SSH-2.0-test\r\n');
  });

  it('answers false for a closed port', async () => {
    expect(await probeSsh('127.0.0.1', 2000)).toBe(false);
  });
});
