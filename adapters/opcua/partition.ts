/**
 * Splits a subscription's items into groups the server accepts: at most `perSubscription` items
 * in one subscription and `perCall` in one CreateMonitoredItems call (the server's operation
 * limits, Part 5 §6.3.11). Pure; keeps the items' order.
 */
export function partition<T>(items: readonly T[], perSubscription: number, perCall: number): T[][][] {
  if (!Number.isInteger(perSubscription) || perSubscription < 1) throw new RangeError(`perSubscription must be ≥ 1, got ${perSubscription}`);
  if (!Number.isInteger(perCall) || perCall < 1) throw new RangeError(`perCall must be ≥ 1, got ${perCall}`);
  const subscriptions: T[][][] = [];
  for (let s = 0; s < items.length; s += perSubscription) {
    const members = items.slice(s, s + perSubscription);
    const calls: T[][] = [];
    for (let c = 0; c < members.length; c += perCall) calls.push(members.slice(c, c + perCall));
    subscriptions.push(calls);
  }
  return subscriptions;
}

/** A server limit of 0 means "no limit" (Part 5 §6.3.11); ours applies then. */
export function effectiveLimit(ours: number, server: number | undefined): number {
  return server === undefined || server <= 0 ? ours : Math.min(ours, server);
}
