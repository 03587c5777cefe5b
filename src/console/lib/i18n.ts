/** The console's languages: Simplified Chinese for Chinese plants, English otherwise. */
export type Lang = 'zh-CN' | 'en';
export const LANGS: readonly Lang[] = ['zh-CN', 'en'];

/** One page's strings in both languages; a unit test holds the two key sets equal. */
export interface Dict {
  readonly en: Readonly<Record<string, string>>;
  readonly zh: Readonly<Record<string, string>>;
}

/**
 * The language to start in: the one chosen before (kept in the browser), else the browser's first
 * language that is Chinese or English, else Chinese if any listed language is Chinese, else English.
 */
export function pickLanguage(stored: string | null, browser: readonly string[]): Lang {
  if (stored === 'zh-CN' || stored === 'en') return stored;
  for (const l of browser) {
    const lower = l.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** `t('alarms.count', { n: 3 })` with `{n}` placeholders; a missing key shows as itself (and a test keeps every used key defined). */
export class Translator {
  private readonly en: Record<string, string> = {};
  private readonly zh: Record<string, string> = {};

  constructor(
    dicts: readonly Dict[],
    public lang: Lang,
  ) {
    for (const d of dicts) {
      Object.assign(this.en, d.en);
      Object.assign(this.zh, d.zh);
    }
  }

  t(key: string, params: Readonly<Record<string, string | number>> = {}): string {
    const text = (this.lang === 'zh-CN' ? this.zh[key] : this.en[key]) ?? this.en[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (params[name] === undefined ? whole : String(params[name])));
  }

  has(key: string): boolean {
    return key in this.en && key in this.zh;
  }
}
