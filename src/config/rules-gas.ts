/** Rule kinds of the Gas detection (GB/T 50493-2019, GB 16808-2025) pack: their schemas, each a `z.object({ ...base, kind: z.literal(...) })`. */
export const gasRuleSchemas = [] as const;
