/**
 * Reconnect delays: 0.5 s doubling to 15 s, with up to 30 % jitter so a control room of consoles
 * does not reconnect in lock-step after a gateway restart. `random` is passed in (pure).
 */
export function reconnectDelay(attempt: number, random: () => number, base = 500, max = 15_000): number {
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 20)));
  return Math.round(exp * (1 - 0.3 * random()));
}
