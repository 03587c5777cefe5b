import type { Principal } from '../core/index.js';
import { principalFromClaims, type ClaimMapping } from './claims.js';
import { verifyJwt, type JwtExpectations, type KeySource } from './jwt.js';

/** An identity provider's JWTs as principals: signature and registered claims checked, then roles and scopes mapped. */
export class JwtVerifier {
  constructor(
    private readonly source: KeySource,
    private readonly expect: JwtExpectations,
    private readonly mapping: ClaimMapping,
    private readonly now: () => number,
  ) {}

  async verify(jwt: string): Promise<Principal> {
    const claims = await verifyJwt(jwt, this.source, this.expect, this.now());
    return principalFromClaims(claims, this.mapping);
  }
}
