/** Rule specs of the Coal-mine methane and gases pack. Each kind: `interface ... extends RuleBase { kind: '...' }` (RuleBase from rule.ts). */
export type CoalRule = never;
