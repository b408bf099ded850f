/** How the transports feed ExecOptions.stdin to a command: bytes at once, a controller file streamed. */
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { ExecOptions, StdinFile } from './types.js';
import { DroverError } from '../errors.js';

/** The piece of a streamed file read and written at a time: one buffer, reused for the whole file. */
const CHUNK_BYTES = 256 * 1024;

export function isStdinFile(stdin: ExecOptions['stdin']): stdin is StdinFile {
  return typeof stdin === 'object' && !Buffer.isBuffer(stdin);
}

/** The controller file given as stdin could not be read, so the command did not get it whole. */
export class StdinFileError extends DroverError {
  override name = 'StdinFileError';
}

/**
 * Writes stdin to a command's input and closes it. A file is read into one buffer, which is
 * written and, once the input has taken it (the write's callback: a pipe or an SSH window with
 * room), filled again: the command's pace sets the reading's, and the file never sits in memory,
 * not even as chunks waiting for the garbage collector. A file that cannot be read calls onError.
 * A command that stops reading (it exited) ends the sending quietly, as it does for bytes: its exit
 * status tells what happened. Returns a function that stops the sending, for a command that ended
 * or was given up on.
 */
export function sendStdin(input: Writable, stdin: ExecOptions['stdin'], onError: (error: Error) => void): () => void {
  if (!isStdinFile(stdin)) {
    input.end(stdin ?? '');
    return () => {};
  }
  let stopped = false;
  // Resolves the write being waited for: a closed SSH channel never calls a write back.
  let release = () => {};
  const taken = (chunk: Buffer) =>
    new Promise<void>((resolve) => {
      release = resolve;
      input.write(chunk, (error) => {
        if (error) stopped = true;
        resolve();
      });
    });
  const send = async () => {
    const file = await open(stdin.path, 'r');
    try {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      while (!stopped) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
        if (stopped) break;
        if (bytesRead === 0) {
          input.end();
          break;
        }
        await taken(buffer.subarray(0, bytesRead));
      }
    } finally {
      await file.close();
    }
  };
  send().catch((error: Error) => {
    if (!stopped)
      onError(new StdinFileError(`cannot read ${stdin.path} to send it: ${error.message}`, { cause: error }));
  });
  return () => {
    stopped = true;
    release();
  };
}
