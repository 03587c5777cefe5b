import { join } from 'node:path';
import { MessageSecurityMode, OPCUACertificateManager, SecurityPolicy, type OPCUAServerOptions } from 'node-opcua';
import type { OpcuaSimConfig, OpcuaSimUser, SecurityModeName, SecurityPolicyName } from './sim-config.js';

/*
 * The simulator's security, from its config: offered endpoints, user identities, and the two
 * certificate stores node-opcua needs (application PKI in pkiDir, X.509 user PKI beside it), so
 * nothing is written under the home folder.
 */

const POLICIES: Readonly<Record<SecurityPolicyName, SecurityPolicy>> = {
  None: SecurityPolicy.None,
  Basic256Sha256: SecurityPolicy.Basic256Sha256,
  Aes128_Sha256_RsaOaep: SecurityPolicy.Aes128_Sha256_RsaOaep,
  Aes256_Sha256_RsaPss: SecurityPolicy.Aes256_Sha256_RsaPss,
};

const MODES: Readonly<Record<SecurityModeName, MessageSecurityMode>> = {
  Sign: MessageSecurityMode.Sign,
  SignAndEncrypt: MessageSecurityMode.SignAndEncrypt,
};

export interface SecurityStores {
  readonly server: OPCUACertificateManager;
  readonly users: OPCUACertificateManager;
}

/** Application PKI in pkiDir (own/, trusted/, rejected/, issuers/); X.509 user identity certificates in pkiDir/user (same layout). */
export function createCertificateStores(config: Pick<OpcuaSimConfig, 'pkiDir' | 'autoAcceptClientCertificates'>): SecurityStores {
  return {
    server: new OPCUACertificateManager({ rootFolder: config.pkiDir, automaticallyAcceptUnknownCertificate: config.autoAcceptClientCertificates }),
    // X.509 user identities: trusted the same way as application certificates (and out of ~/.config).
    users: new OPCUACertificateManager({ rootFolder: join(config.pkiDir, 'user'), automaticallyAcceptUnknownCertificate: config.autoAcceptClientCertificates }),
  };
}

/**
 * Endpoints: every non-None policy × every mode, plus None/None when 'None' is listed (without it
 * node-opcua keeps a discovery-only None endpoint, as the standard asks).
 */
export function endpointOptions(config: Pick<OpcuaSimConfig, 'securityPolicies' | 'securityModes'>): Pick<OPCUAServerOptions, 'securityPolicies' | 'securityModes'> {
  const policies = config.securityPolicies.map((name) => POLICIES[name as SecurityPolicyName]);
  const modes = config.securityModes.map((name) => MODES[name as SecurityModeName]);
  return {
    securityPolicies: policies,
    securityModes: policies.includes(SecurityPolicy.None) ? [MessageSecurityMode.None, ...modes] : modes,
  };
}

/** Username/password identities; anonymous is a separate switch (allowAnonymous). */
export function userManagerFor(users: readonly OpcuaSimUser[]): NonNullable<OPCUAServerOptions['userManager']> {
  const passwords = new Map(users.map((user) => [user.username, user.password]));
  return { isValidUser: (username: string, password: string) => passwords.get(username) === password };
}
