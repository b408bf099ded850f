import type { TaskTree } from '../tree/types.js';
import { isTaskSelected, type TaskSelection } from '../engine/select-tasks.js';
import type { Inputs } from './load-inputs.js';
import { limitHosts } from '../inventory/index.js';

export function listHosts(inputs: Inputs, limit?: string): string {
  const limited = limitHosts(inputs.inventory, limit);
  const lines = [`playbook: ${inputs.playbook.file}`];
  for (const play of inputs.playbook.plays) {
    const hosts = inputs.inventory.selectHosts(play.hosts).filter((h) => !limited || limited.has(h));
    lines.push('', `  play: ${play.name} (${hosts.length} hosts)`, ...hosts.map((h) => `    ${h}`));
  }
  return `${lines.join('\n')}\n`;
}

export function listTasks(inputs: Inputs, selection: TaskSelection): string {
  const lines = [`playbook: ${inputs.playbook.file}`];
  for (const play of inputs.playbook.plays) {
    lines.push('', `  play: ${play.name}`, '    tasks:');
    const visit = (nodes: TaskTree[], depth: number) => {
      for (const node of nodes) {
        const indent = '      '.padEnd(6 + depth * 2);
        if (node.kind === 'block') {
          lines.push(`${indent}block${node.name ? `: ${node.name}` : ''}`);
          visit(node.block, depth + 1);
          if (node.rescue.length) (lines.push(`${indent}rescue:`), visit(node.rescue, depth + 1));
          if (node.always.length) (lines.push(`${indent}always:`), visit(node.always, depth + 1));
        } else if (node.kind === 'include') {
          lines.push(`${indent}include_tasks: ${node.file}`);
        } else if (isTaskSelected(node.tags, selection)) {
          const role = node.role ? `${node.role.name} : ` : '';
          lines.push(
            `${indent}${role}${node.name ?? node.module}${node.tags.length ? `\tTAGS: [${node.tags.join(', ')}]` : ''}`,
          );
        }
      }
    };
    for (const section of play.sections) visit(section, 0);
  }
  return `${lines.join('\n')}\n`;
}

export function listTags(inputs: Inputs): string {
  const lines = [`playbook: ${inputs.playbook.file}`];
  for (const play of inputs.playbook.plays) {
    const tags = new Set<string>();
    const visit = (nodes: TaskTree[]) => {
      for (const node of nodes) {
        node.tags.forEach((t) => tags.add(t));
        if (node.kind === 'block') [node.block, node.rescue, node.always].forEach(visit);
      }
    };
    play.sections.forEach(visit);
    lines.push('', `  play: ${play.name}`, `    TASK TAGS: [${[...tags].sort().join(', ')}]`);
  }
  return `${lines.join('\n')}\n`;
}
