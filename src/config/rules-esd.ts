/** Rule kinds of the Emergency shutdown and SIS pack: their schemas, each a `z.object({ ...base, kind: z.literal(...) })`. */
export const esdRuleSchemas = [] as const;
