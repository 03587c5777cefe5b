/**
 * Browse paths in config: `/Objects/2:Plant/2:GasDetectors/2:GT-101`, each element a browse name
 * with an optional namespace index. Pure; node-opcua resolves the checked text to a NodeId.
 */
export interface BrowsePathElement {
  readonly namespaceIndex: number;
  readonly name: string;
}

const ELEMENT = /^(?:(\d+):)?(.+)$/;

export function browsePathProblems(path: string): string[] {
  if (!path.startsWith('/')) return ['a browse path starts with / (from the Root folder), e.g. /Objects/2:Plant/2:GT-101'];
  const parts = path.slice(1).split('/');
  if (parts.some((p) => p.trim() === '')) return [`browse path "${path}" has an empty element`];
  return [];
}

export function parseBrowsePath(path: string): BrowsePathElement[] {
  const problems = browsePathProblems(path);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return path
    .slice(1)
    .split('/')
    .map((part) => {
      const m = ELEMENT.exec(part);
      return { namespaceIndex: m?.[1] === undefined ? 0 : Number(m[1]), name: m?.[2] ?? part };
    });
}
