/** Rule specs of the Gas detection (GB/T 50493-2019, GB 16808-2025) pack. Each kind: `interface ... extends RuleBase { kind: '...' }` (RuleBase from rule.ts). */
export type GasRule = never;
