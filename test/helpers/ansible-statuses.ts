/**
 * Runs one playbook through ansible-playbook (JSON callback) and through drover (--report), and
 * reads both as per-task, per-host statuses, so tests compare what each tool says it did.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

export type Status = 'ok' | 'changed' | 'failed' | 'skipped' | 'unknown';

export interface ToolRun {
  exitCode: number;
  /** One entry per task result, in the order the tool reported them: [task, host, status]. */
  statuses: Array<[string, string, Status]>;
}

interface AnsibleJson {
  plays: Array<{ tasks: Array<{ task: { name: string }; hosts: Record<string, AnsibleResult> }> }>;
}
interface AnsibleResult {
  changed?: boolean;
  failed?: boolean;
  skipped?: boolean;
  failed_when_result?: boolean;
}

export function runAnsiblePlaybook(cwd: string, args: string[]): ToolRun {
  const result = spawnSync('ansible-playbook', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1', ANSIBLE_PIPELINING: 'True' },
  });
  if (result.error) throw result.error;
  const json = JSON.parse(result.stdout) as AnsibleJson;
  const statuses: ToolRun['statuses'] = [];
  for (const play of json.plays)
    for (const task of play.tasks)
      for (const [host, res] of Object.entries(task.hosts)) statuses.push([task.task.name, host, ansibleStatus(res)]);
  return { exitCode: result.status ?? -1, statuses };
}

function ansibleStatus(result: AnsibleResult): Status {
  if (result.failed) return 'failed';
  if (result.skipped) return 'skipped';
  return result.changed ? 'changed' : 'ok';
}

export async function runDrover(cwd: string, args: string[]): Promise<ToolRun & { stdout: string }> {
  const report = join(cwd, `report-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const result = await runCli([...args, '--report', report], { cwd });
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    hosts: Record<string, { tasks: Array<{ task: string; status: Status }> }>;
  };
  const statuses: ToolRun['statuses'] = [];
  for (const [host, data] of Object.entries(json.hosts))
    for (const task of data.tasks) statuses.push([task.task, host, task.status]);
  return { exitCode: result.code, statuses, stdout: result.stdout };
}
