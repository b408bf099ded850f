import { z } from 'zod';
import { buildWaitProbe, parseWaitProbe, type WaitCondition, type WaitState } from './wait_for/probe.js';
import { secondsField, wholeNumberField } from './lib/fields/whole-number-field.js';
import { defineModule, type Plan } from './types.js';

const STATES = ['started', 'stopped', 'present', 'absent'] as const;

const schema = z
  .strictObject({
    host: z
      .string()
      .regex(/^[A-Za-z0-9.:_-]+$/, 'must be a host name or an IP address')
      .default('127.0.0.1')
      .describe('Host whose port to test, as seen from the managed host.'),
    port: wholeNumberField('a TCP port')
      .pipe(z.number().min(1, 'must be a TCP port (1-65535)').max(65535, 'must be a TCP port (1-65535)'))
      .optional()
      .describe('TCP port to poll.'),
    path: z.string().min(1, 'must not be empty').optional().describe('File to poll for (on the managed host).'),
    state: z
      .union([z.enum(STATES), z.literal('drained')], { error: `must be one of ${STATES.join(', ')}` })
      .refine(
        (s) => s !== 'drained',
        'state drained (waiting for active connections to end) is not supported; wait for the port to stop instead (state: stopped)',
      )
      .default('started')
      .describe(
        'started/present: wait until the port accepts connections or the path exists (and search_regex matches). stopped/absent: until the port refuses connections or the path is gone.',
      ),
    timeout: secondsField()
      .default(300)
      .describe(
        'Seconds to wait before the task fails. Without port and path the task just waits this long and succeeds.',
      ),
    delay: secondsField().default(0).describe('Seconds to wait before the first check.'),
    sleep: secondsField().default(1).describe('Seconds between checks.'),
    connect_timeout: secondsField().default(5).describe('Seconds one connection attempt may take.'),
    search_regex: z
      .string()
      .optional()
      .describe(
        'With path: wait until a line of the file matches. With port: until what the server sends first (within connect_timeout) matches, e.g. OpenSSH. Perl-compatible syntax where grep supports -P (Debian), else extended regular expressions; matched line by line.',
      ),
    msg: z.string().optional().describe('Message to fail with instead of the default one.'),
  })
  .superRefine((args, ctx) => {
    if (args.port !== undefined && args.path !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give port or path, not both', path: ['path'] });
    if (args.sleep === 0 && (args.port !== undefined || args.path !== undefined))
      ctx.addIssue({ code: 'custom', message: 'sleep must be more than 0 seconds', path: ['sleep'] });
  });

type Args = z.infer<typeof schema>;

export function waitCondition(args: Args): WaitCondition {
  const kind = args.port !== undefined ? 'port' : args.path !== undefined ? 'path' : 'sleep';
  const want = args.state === 'stopped' || args.state === 'absent' ? 'down' : 'up';
  return {
    kind,
    want,
    host: args.host,
    port: args.port,
    path: args.path,
    searchRegex: args.search_regex,
    timeout: args.timeout,
    delay: args.delay,
    sleep: args.sleep,
    connectTimeout: args.connect_timeout,
  };
}

/** The failure text Ansible gives for each kind of wait. */
function timeoutMessage(args: Args, c: WaitCondition): string {
  if (args.msg !== undefined) return args.msg;
  if (c.kind === 'port') {
    const target = `${args.host}:${args.port}`;
    if (c.want === 'down') return `Timeout when waiting for ${target} to stop.`;
    return args.search_regex !== undefined
      ? `Timeout when waiting for search string ${args.search_regex} on ${target}`
      : `Timeout when waiting for ${target}`;
  }
  if (c.want === 'down') return `Timeout when waiting for ${args.path} to be absent.`;
  return args.search_regex !== undefined
    ? `Timeout when waiting for search string ${args.search_regex} in ${args.path}`
    : `Timeout when waiting for file ${args.path}`;
}

export const module = defineModule<Args, WaitState>({
  name: 'wait_for',
  probeAlone: true,
  summary: 'Wait until a TCP port opens or closes, or a file appears, disappears or contains a pattern.',
  description: [
    'Changes nothing: its probe polls on the managed host, read-only, every `sleep` seconds until the condition holds (the',
    'task succeeds, with `elapsed` in its result) or `timeout` passes (the task fails). It waits in check mode too, as in',
    "Ansible. Ports are tested with bash's /dev/tcp when bash is installed, else with nc, else (for a local host, without",
    'search_regex) by looking for a listening socket in /proc/net/tcp; a remote host without bash or nc fails with a clear',
    'message. state drained is not supported.',
  ].join(' '),
  schema: schema,
  examples: [
    { title: 'Wait for the application to listen', yaml: `- wait_for:\n    port: 8000\n    timeout: 60` },
    {
      title: 'Wait for a line in a log file',
      yaml: `- wait_for:\n    path: /var/log/app/start.log\n    search_regex: "ready to accept connections"`,
    },
    {
      title: 'Wait for a lock file to go away',
      yaml: `- wait_for:\n    path: /var/lib/app/migrate.lock\n    state: absent`,
    },
    {
      title: 'Wait for SSH on another host',
      yaml: `- wait_for:\n    host: 10.0.0.12\n    port: 22\n    search_regex: OpenSSH\n    delay: 10`,
    },
  ],
  probe(args) {
    return buildWaitProbe(waitCondition(args));
  },
  parse(output) {
    return parseWaitProbe(output.stdout);
  },
  plan(args, current): Plan {
    const c = waitCondition(args);
    const result = {
      elapsed: current.elapsed,
      state: args.state,
      ...(args.port !== undefined ? { port: args.port } : {}),
      ...(args.path !== undefined ? { path: args.path } : {}),
    };
    if (current.result === 'ok') return { changes: [], result };
    if (current.result === 'unsupported') {
      return {
        changes: [],
        result,
        failed: `cannot test ${args.host}:${args.port} from this host: it has neither bash (with timeout) nor nc; install netcat-openbsd, or wait for a local port`,
      };
    }
    if (current.result === 'unknown')
      return {
        changes: [],
        result,
        failed: 'the wait_for probe ended without an answer (was it interrupted by the command timeout?)',
      };
    return { changes: [], result, failed: timeoutMessage(args, c) };
  },
});
