import { z } from 'zod';

/*
 * What the OPC UA simulator offers: where it listens, which security endpoints, which user
 * identities, where its PKI lives. opcuaSimConfigSchema is the site config's `simulator.opcua`
 * section (defaults applied); devices/README.md documents every key.
 */

export interface OpcuaSimUser {
  readonly username: string;
  readonly password: string;
}

export interface OpcuaSimConfig {
  /** Interface to listen on; default 127.0.0.1. */
  readonly host: string;
  /** TCP port; 0 = ephemeral; default 4840 (the registered OPC UA port). */
  readonly port: number;
  /** Security policies offered: 'None' | 'Basic256Sha256' | 'Aes128_Sha256_RsaOaep' | 'Aes256_Sha256_RsaPss'; default all four. */
  readonly securityPolicies: readonly string[];
  /** Modes offered for the non-None policies: 'Sign' | 'SignAndEncrypt'; default both. */
  readonly securityModes: readonly string[];
  /** Anonymous user identity accepted; default true. */
  readonly allowAnonymous: boolean;
  /** Username/password identities accepted; default none. */
  readonly users: readonly OpcuaSimUser[];
  /** Folder of the server's PKI (own certificate created on first start, kept; trusted/rejected client certs). */
  readonly pkiDir: string;
  /** Trust every client certificate automatically (default true for the demo; tests set false to check rejection). */
  readonly autoAcceptClientCertificates: boolean;
  /** Extra synthetic variables `ns=1;s=Load.<n>` (Double, changing every tick) for scale tests and the bench; default 0. */
  readonly loadItems: number;
}

/** Policies the simulator can offer; all four work on Node 20 without --security-revert (none uses RSA PKCS#1 v1.5). */
export const SECURITY_POLICY_NAMES = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;
export const SECURITY_MODE_NAMES = ['Sign', 'SignAndEncrypt'] as const;
export type SecurityPolicyName = (typeof SECURITY_POLICY_NAMES)[number];
export type SecurityModeName = (typeof SECURITY_MODE_NAMES)[number];

/** DER copy of the server certificate, relative to pkiDir, beside node-opcua's PEM (own/certs/certificate.pem). */
export const SERVER_CERTIFICATE_DER = 'own/certs/certificate.der';

/** The registered OPC UA port (IANA 4840). */
export const DEFAULT_OPCUA_PORT = 4840;
/** Enough for a scale test and the bench; each item is one Double variable updated every tick. */
export const MAX_LOAD_ITEMS = 100_000;

const userSchema = z.strictObject({
  username: z.string().min(1),
  password: z.string().min(1),
});

/** A list of distinct names from `allowed`, at least one. */
function nameList<const T extends readonly [string, ...string[]]>(allowed: T) {
  return z
    .array(z.enum(allowed))
    .min(1, `name at least one of ${allowed.join(', ')}`)
    .refine((names) => new Set(names).size === names.length, 'names a value twice')
    .default([...allowed]);
}

export const opcuaSimConfigSchema: z.ZodType<OpcuaSimConfig> = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.int().min(0).max(65535).default(DEFAULT_OPCUA_PORT),
    securityPolicies: nameList(SECURITY_POLICY_NAMES),
    securityModes: nameList(SECURITY_MODE_NAMES),
    allowAnonymous: z.boolean().default(true),
    users: z.array(userSchema).default([]),
    pkiDir: z.string().min(1),
    autoAcceptClientCertificates: z.boolean().default(true),
    loadItems: z.int().min(0).max(MAX_LOAD_ITEMS).default(0),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.users.forEach((user, index) => {
      if (seen.has(user.username)) ctx.addIssue({ code: 'custom', path: ['users', index, 'username'], message: `user ${user.username} is listed twice` });
      seen.add(user.username);
    });
    // A server nobody can log on to is a configuration mistake, not a simulation.
    if (!config.allowAnonymous && config.users.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['users'], message: 'with allowAnonymous false, list at least one user' });
    }
  });
