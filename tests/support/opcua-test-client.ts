import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  type ClientSession,
  type UserIdentityInfo,
} from 'node-opcua';

/*
 * A plain node-opcua client for tests against our OPC UA simulator (not hazgate's adapter): its
 * certificate store lives in a folder the test owns, so nothing is written in the repo or home.
 */

export type TestIdentity =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly username: string; readonly password: string }
  /** The client's own application certificate and key, used as an X.509 user identity. */
  | { readonly kind: 'x509' };

export interface TestClientOptions {
  /** Client PKI folder (own certificate created on first use). */
  readonly pkiDir: string;
  readonly policy?: keyof typeof SecurityPolicy;
  readonly mode?: 'None' | 'Sign' | 'SignAndEncrypt';
  readonly identity?: TestIdentity;
  /**
   * DER file of the server certificate to trust before connecting. Without it the client trusts
   * whatever server it meets (the simulator is not what these tests check).
   */
  readonly trustServerCertificate?: Buffer;
}

export interface TestSession {
  readonly client: OPCUAClient;
  readonly session: ClientSession;
  close(): Promise<void>;
}

/** Opens a session (one attempt, no retries: a refusal is what some tests expect). */
export async function openTestSession(endpointUrl: string, options: TestClientOptions): Promise<TestSession> {
  const client = createTestClient(options);
  try {
    await client.connect(endpointUrl);
    const session = await client.createSession(identityInfo(options.identity ?? { kind: 'anonymous' }, client, options.pkiDir));
    return {
      client,
      session,
      async close() {
        await session.close().catch(() => undefined);
        await client.disconnect();
      },
    };
  } catch (error) {
    await client.disconnect().catch(() => undefined);
    throw error;
  }
}

export function createTestClient(options: TestClientOptions): OPCUAClient {
  if (options.trustServerCertificate !== undefined) {
    const trusted = join(options.pkiDir, 'trusted', 'certs');
    mkdirSync(trusted, { recursive: true });
    writeFileSync(join(trusted, 'simulator.der'), options.trustServerCertificate);
  }
  const certificateManager = new OPCUACertificateManager({
    rootFolder: options.pkiDir,
    automaticallyAcceptUnknownCertificate: options.trustServerCertificate === undefined,
  });
  return OPCUAClient.create({
    applicationName: 'hazgate-sim-test',
    securityPolicy: SecurityPolicy[options.policy ?? 'None'],
    securityMode: MessageSecurityMode[options.mode ?? 'None'],
    endpointMustExist: false,
    clientCertificateManager: certificateManager,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: 20_000,
  });
}

function identityInfo(identity: TestIdentity, client: OPCUAClient, pkiDir: string): UserIdentityInfo {
  switch (identity.kind) {
    case 'anonymous':
      return { type: UserTokenType.Anonymous };
    case 'user':
      return { type: UserTokenType.UserName, userName: identity.username, password: identity.password };
    case 'x509':
      return { type: UserTokenType.Certificate, certificateData: client.getCertificate(), privateKey: readFileSync(join(pkiDir, 'own', 'private', 'private_key.pem'), 'utf8') };
  }
}
