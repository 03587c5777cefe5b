import type { AlarmJournal, AlarmTransition, BypassEntry, BypassRequest, BypassService, InServiceRate } from '../core/index.js';
import type { BypassRegister } from './bypass-register.js';
import { inServiceRates } from './in-service.js';

/** Bypasses that started up to this long before a period still count in it. */
const LOOK_BACK_MS = 30 * 86_400_000;
const MAX_ROWS = 1_000_000;

/** The bypass register and the in-service rates its interlocks' bypass conditions give, behind one port. */
export class InterlockBypasses implements BypassService {
  constructor(
    private readonly register_: BypassRegister,
    private readonly journal: AlarmJournal,
    private readonly interlocksByUnit: ReadonlyMap<string, number>,
    /** The transitions of interlock-bypass conditions (the ESD pack's `interlock-bypass` rules). */
    private readonly isBypassCondition: (t: AlarmTransition) => boolean,
  ) {}

  list(activeOnly: boolean): BypassEntry[] {
    return this.register_.list(activeOnly);
  }

  register(request: BypassRequest): BypassEntry {
    return this.register_.register(request);
  }

  end(id: string, user: string, comment: string | undefined): BypassEntry {
    return this.register_.end(id, user, comment);
  }

  /**
   * From the journal's bypass transitions of the period (and a look-back), plus the bypasses still
   * active, from their activation: a bypass begun long before the look-back still counts.
   */
  inServiceRates(from: number, to: number): InServiceRate[] {
    const rows = this.journal.recent({ since: from - LOOK_BACK_MS, limit: MAX_ROWS }).filter(this.isBypassCondition);
    for (const t of this.journal.loadRetained()) {
      if (this.isBypassCondition(t) && t.active && t.activeSince !== null) rows.push({ ...t, rts: Math.min(t.activeSince, t.rts) });
    }
    return inServiceRates(rows, this.interlocksByUnit, from, to);
  }
}
