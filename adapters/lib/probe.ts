/**
 * `hazgate doctor`'s look at a peer: does it answer, does it take our credentials. A probe only
 * connects and reads; it never publishes, writes or keeps a session.
 */
export interface ProbeOutcome {
  readonly ok: boolean;
  /** What was found; on a failure, what is wrong and what to do. */
  readonly detail: string;
}

/** The probe's outcome, or a failure naming the wait when the peer has not answered in time. */
export async function withinTime(ms: number, probe: Promise<ProbeOutcome>, waitingFor: string): Promise<ProbeOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer from ${waitingFor} within ${ms} ms: is it running and reachable from here (address, port, firewall)?` }), ms);
  });
  try {
    return await Promise.race([probe, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A thrown thing's message: client libraries also reject with plain objects that carry one. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  const m = typeof e === 'object' && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof m === 'string' ? m : String(e);
}
