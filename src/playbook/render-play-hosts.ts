import { TemplateSyntaxError, UndefinedVariableError } from '../template/errors.js';
import { hasTemplate, renderValue } from '../template/render.js';
import { PlaybookError, type PlaybookProblem } from './errors.js';
import type { Play, Playbook } from '../tree/types.js';

/** The variables a play's `hosts:` may use, known before any host is selected. */
export interface PlayHostsVars {
  /** Variables of the inventory's `all` group (inline and group_vars/all). */
  allGroupVars: Record<string, unknown>;
  /** -e values. */
  extraVars: Record<string, unknown>;
  /** Ansible's `groups` variable. */
  groups: Record<string, string[]>;
}

/**
 * Renders each templated `hosts:` (hosts: "{{ target }}") before hosts are selected, as Ansible
 * does, with what is known without a host, lowest precedence first: the `all` group's inventory
 * vars, the play's vars, its vars_files, extra vars (-e); and `groups` and `playbook_dir`. A list
 * becomes a pattern of its items. A variable that is not defined is a PlaybookError naming the
 * play's file and line: no host is contacted. A play without a name takes the rendered pattern
 * as its name, as in Ansible.
 */
export function renderPlayHosts(playbook: Playbook, vars: PlayHostsVars): Playbook {
  const problems: PlaybookProblem[] = [];
  const playbookDir = playbook.file.replace(/\/[^/]*$/, '');
  const plays = playbook.plays.map((play): Play => {
    if (!hasTemplate(play.hosts)) return play;
    const scope = {
      ...vars.allGroupVars,
      ...play.vars,
      ...play.varsFilesVars,
      ...vars.extraVars,
      groups: vars.groups,
      playbook_dir: playbookDir,
    };
    let rendered: unknown;
    try {
      rendered = renderValue(play.hosts, scope);
    } catch (error) {
      if (!(error instanceof UndefinedVariableError) && !(error instanceof TemplateSyntaxError)) throw error;
      const undefinedName = error instanceof UndefinedVariableError ? error.variable : undefined;
      problems.push({
        message: undefinedName
          ? `undefined variable '${undefinedName}' in the play's hosts: ${play.hosts}`
          : `the play's hosts cannot be rendered: ${error.message}`,
        location: play.hostsLocation ?? play.location,
        task: `play ${play.name}`,
        field: 'hosts',
        hint: undefinedName
          ? `hosts is rendered before any host is selected, from -e, the play's vars and vars_files, and the inventory's all group vars: define '${undefinedName}' there (e.g. -e ${undefinedName}=web), or give it a default: {{ ${undefinedName} | default('all') }}`
          : 'fix the template',
      });
      return play;
    }
    const pattern = (
      Array.isArray(rendered)
        ? rendered.map(String).join(',')
        : rendered === null || rendered === undefined
          ? ''
          : String(rendered)
    ).trim();
    return { ...play, hosts: pattern, name: play.name === play.hosts ? pattern : play.name };
  });
  if (problems.length > 0) throw new PlaybookError(problems);
  return { ...playbook, plays };
}
