/** Rule kinds of the Coal-mine methane and gases (煤矿安全规程, AQ 1029) pack: their schemas, each a `z.object({ ...base, kind: z.literal(...) })`. */
export const coalRuleSchemas = [] as const;
