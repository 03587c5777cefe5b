/** Rule specs of the Data authenticity pack. Each kind: `interface ... extends RuleBase { kind: '...' }` (RuleBase from rule.ts). */
export type AuthenticityRule = never;
