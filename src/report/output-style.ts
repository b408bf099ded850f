import { Chalk, type ChalkInstance } from 'chalk';

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function createStyle(stream: NodeJS.WriteStream | NodeJS.WritableStream): ChalkInstance {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0';
  const tty = 'isTTY' in stream && Boolean((stream as NodeJS.WriteStream).isTTY);
  return new Chalk({ level: noColor ? 0 : forced || tty ? 1 : 0 });
}
