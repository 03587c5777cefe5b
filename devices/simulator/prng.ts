/**
 * Counter-based pseudo-random numbers: the noise of a point at a tick is a hash of
 * (seed, point id, tick). No hidden state, so a value can be computed for any time in any order
 * (a stuck sensor looks back at the tick it froze at) and every run with a seed is identical.
 */

/** FNV-1a, 32 bit: spreads a point id over the hash input. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finaliser: every input bit affects every output bit. */
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A number in [0, 1), the same for the same arguments. */
export function uniformAt(seed: number, key: string, index: number): number {
  const h = mix32(mix32(seed ^ 0x9e3779b9) ^ hashString(key));
  return mix32(h ^ mix32(index + 0x6d2b79f5)) / 0x1_0000_0000;
}
