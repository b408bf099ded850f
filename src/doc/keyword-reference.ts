import { FALSE_WORDS, TRUE_WORDS } from '../bool-words.js';
import { KEYWORDS, type KeywordName } from '../playbook/keywords/declarations.js';
import { PLACE_NOUNS, PLACES } from '../playbook/keywords/places.js';
import { UNSUPPORTED_KEYWORDS } from '../playbook/keywords/unsupported.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The playbook keyword reference (docs/playbook-keywords.md), generated from the keyword declarations. */
export function renderKeywordReference(): string {
  const rows = (Object.keys(KEYWORDS) as KeywordName[]).map((name) => {
    const { on, type, doc } = KEYWORDS[name];
    const where = PLACES.filter((place) => (on as readonly string[]).includes(place)).map(
      (place) => PLACE_NOUNS[place],
    );
    const spelled = 'action' in KEYWORDS[name] ? ` (also \`ansible.builtin.${name}\`)` : '';
    return `| \`${name}\`${spelled} | ${where.join(', ')} | ${cell(type.expects)} | ${cell(doc)} |`;
  });
  return [
    '# Playbook keywords',
    '',
    '<!-- Generated from src/playbook/keywords/declarations.ts by `drover schema --markdown`; do not edit by hand. -->',
    '',
    'Every keyword drover reads, where it may be written, and what it takes. The loader checks each',
    'keyword against this declaration before anything runs: a wrong value is a validation error (exit 4)',
    'naming the file, line, task and field, wherever the keyword is written. `drover schema` gives',
    'editors the same rules.',
    '',
    `- **where**: play; block; task (a task that runs a module); include (\`include_tasks\`, \`import_tasks\`); import_role (the task that holds it); role entry (an item of a play's \`roles\` or of a role's \`dependencies\`, whose other keys are role parameters).`,
    `- **true or false** also takes the words Ansible reads as booleans, in any case: ${TRUE_WORDS.map((w) => `\`${w}\``).join(', ')} (true) and ${FALSE_WORDS.map((w) => `\`${w}\``).join(', ')} (false), and the numbers 1 and 0.`,
    '- An empty value (`when:` with nothing after it) is the same as leaving the keyword out.',
    '',
    '| keyword | where | takes | what it does |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## Not supported',
    '',
    'These Ansible keywords are rejected with an error that says so, instead of being ignored:',
    [...UNSUPPORTED_KEYWORDS.keys()]
      .sort()
      .map((key) => `\`${key}\``)
      .join(', ') + '.',
    '',
  ].join('\n');
}
