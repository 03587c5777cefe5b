import type { PersonRef } from './wire.js';

/**
 * The evacuation list's order: named people by name, then tags nobody is known to wear, by tag (the
 * roll-call reads names first; an unnamed tag is still a person to account for).
 */
export function sortPeople(people: readonly PersonRef[]): PersonRef[] {
  return [...people].sort((a, b) => {
    if ((a.name === null) !== (b.name === null)) return a.name === null ? 1 : -1;
    const byName = (a.name ?? '').localeCompare(b.name ?? '');
    if (byName !== 0) return byName;
    return a.tagId < b.tagId ? -1 : a.tagId > b.tagId ? 1 : 0;
  });
}

/** Every word in the person's name, id, role or tag (case-insensitive). */
export function personMatches(p: PersonRef, text: string): boolean {
  const words = text.toLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return true;
  const hay = `${p.name ?? ''} ${p.personId ?? ''} ${p.role ?? ''} ${p.tagId}`.toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** Reads `GET /api/people/zones/{id}` defensively: people without a tag id are dropped, missing fields are null. */
export function readPeople(value: unknown): PersonRef[] {
  if (!Array.isArray(value)) return [];
  const out: PersonRef[] = [];
  for (const v of value) {
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    if (typeof o['tagId'] !== 'string') continue;
    out.push({ tagId: o['tagId'], personId: str(o['personId']), name: str(o['name']), role: str(o['role']) });
  }
  return out;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
