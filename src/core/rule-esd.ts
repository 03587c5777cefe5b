/** Rule specs of the Emergency shutdown and SIS pack. Each kind: `interface ... extends RuleBase { kind: '...' }` (RuleBase from rule.ts). */
export type EsdRule = never;
