/** Rule kinds of the Data authenticity (faked or stuck monitoring data) pack: their schemas, each a `z.object({ ...base, kind: z.literal(...) })`. */
export const authenticityRuleSchemas = [] as const;
