/** Where a keyword may be written. */
export const PLACES = ['play', 'block', 'task', 'include', 'import_role', 'role'] as const;

export type Place = (typeof PLACES)[number];

/** How errors and the reference name each place ("'loop' is not allowed on import_role"). */
export const PLACE_TITLES: Record<Place, string> = {
  play: 'a play',
  block: 'a block',
  task: 'a task',
  include: 'include_tasks and import_tasks',
  import_role: 'import_role',
  role: 'a role entry',
};

/** The short name of each place, in "unknown play keyword 'x'" and in the reference's columns. */
export const PLACE_NOUNS: Record<Place, string> = {
  play: 'play',
  block: 'block',
  task: 'task',
  include: 'include',
  import_role: 'import_role',
  role: 'role entry',
};
