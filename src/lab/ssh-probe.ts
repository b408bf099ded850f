import { Socket } from 'node:net';

/** True when something accepts a TCP connection on address:port within the time. */
export function probePort(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return readBanner(address, port, timeoutMs, false).then((banner) => banner !== undefined);
}

/** True when an SSH server answers with its banner ("SSH-2.0-...") on port 22. */
export async function probeSsh(address: string, timeoutMs = 1000): Promise<boolean> {
  const banner = await probeBanner(address, 22, timeoutMs);
  return banner !== undefined && banner.startsWith('SSH-');
}

/** The first bytes a server sends on connect, or undefined when it sends none in time or closes. */
export function probeBanner(address: string, port: number, timeoutMs: number): Promise<string | undefined> {
  return readBanner(address, port, timeoutMs, true);
}

function readBanner(address: string, port: number, timeoutMs: number, wantData: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.once('connect', () => {
      if (!wantData) finish('');
    });
    socket.once('data', (chunk: Buffer) => finish(chunk.toString('utf8')));
    // A server that closes without a word (sshd of a host shutting down) ends the socket, and with
    // it the idle timer: without this the probe would wait forever.
    socket.once('close', () => finish(undefined));
    socket.connect(port, address);
  });
}
