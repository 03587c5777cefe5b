import type { CrossCheckProblem } from './loader.js';

/** Ids that must be unique within a list: the path of every repeat after the first. */
export function duplicateIds(list: readonly { id: string }[], key: string, what: string): CrossCheckProblem[] {
  const seen = new Map<string, number>();
  const problems: CrossCheckProblem[] = [];
  list.forEach((item, index) => {
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, index);
    else problems.push({ path: [key, index, 'id'], message: `duplicate ${what} id "${item.id}" (first at ${key}[${first}])` });
  });
  return problems;
}
