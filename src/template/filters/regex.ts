/** regex_replace, regex_search, regex_findall, regex_escape: Python's re, as Ansible's filters use it. */
import { TemplateSyntaxError } from '../errors.js';
import { bindArguments, splitArguments } from '../jinja/arguments.js';
import { escapeRegex, expandReplacement, pythonRegex } from '../python/regex.js';
import { pyStr } from '../python/repr.js';
import { makeTuple, truthy } from '../python/values.js';

type Filter = (input: unknown, ...args: unknown[]) => unknown;

function flagsOf(keywords: Record<string, unknown>) {
  return { ignorecase: truthy(keywords.ignorecase ?? false), multiline: truthy(keywords.multiline ?? false) };
}

function regexReplace(input: unknown, ...args: unknown[]): string {
  const bound = bindArguments('regex_replace', args, ['pattern', 'replacement', 'ignorecase', 'multiline']);
  const regex = pythonRegex(pyStr(bound.pattern ?? ''), { ...flagsOf(bound), global: true });
  const replacement = pyStr(bound.replacement ?? '');
  return pyStr(input).replace(regex, (...match: unknown[]) => {
    const named = typeof match[match.length - 1] === 'object' ? (match.pop() as Record<string, string>) : undefined;
    const groups = match.slice(0, -2) as Array<string | undefined>;
    return expandReplacement(replacement, groups, named);
  });
}

function regexSearch(input: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArguments(args);
  const [pattern, ...references] = positional;
  const wanted = references.map((reference) => {
    const text = pyStr(reference);
    const group = /^\\g<(\S+)>$/.exec(text)?.[1] ?? /^\\(\d+)$/.exec(text)?.[1];
    if (group === undefined) throw new TemplateSyntaxError(`regex_search: unknown argument '${text}'`);
    return group;
  });
  const match = pythonRegex(pyStr(pattern), flagsOf(keywords)).exec(pyStr(input));
  if (!match) return null;
  if (wanted.length === 0) return match[0];
  return wanted.map((group) => (/^\d+$/.test(group) ? match[Number(group)] : match.groups?.[group]) ?? null);
}

function regexFindall(input: unknown, ...args: unknown[]): unknown[] {
  const bound = bindArguments('regex_findall', args, ['regex', 'multiline', 'ignorecase']);
  const regex = pythonRegex(pyStr(bound.regex), { ...flagsOf(bound), global: true });
  return [...pyStr(input).matchAll(regex)].map((match) => {
    if (match.length === 1) return match[0];
    if (match.length === 2) return match[1] ?? '';
    return makeTuple(match.slice(1).map((group) => group ?? ''));
  });
}

export const REGEX_FILTERS: Record<string, Filter> = {
  regex_replace: regexReplace,
  regex_search: regexSearch,
  regex_findall: regexFindall,
  regex_escape: (input, reType = 'python') => {
    if (reType !== 'python' && reType !== 'posix_basic')
      throw new TemplateSyntaxError(`regex_escape: unsupported re_type '${pyStr(reType)}'`);
    const text = pyStr(input);
    return reType === 'python' ? escapeRegex(text) : text.replace(/[\\.[\]^$*]/g, '\\$&');
  },
};
