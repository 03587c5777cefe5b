/**
 * Security audit (issue 11 item 5): who did what, from where, when. Operator actions on alarms
 * are already journaled as transitions (with user and comment); these are the other events:
 * logins, failed logins, token use and refusal, administration and configuration changes. They go
 * into the same tamper-evident journal (hash chain), and from there to the provincial feed.
 */
export type AuditKind =
  | 'login'
  | 'login-failed'
  | 'logout'
  | 'access-denied'
  | 'token-created'
  | 'token-revoked'
  | 'user-added'
  | 'user-removed'
  | 'user-changed'
  | 'bypass'
  | 'config'
  | 'start'
  | 'stop';

export interface AuditEvent {
  readonly kind: AuditKind;
  /** The user it concerns (the one who acted, or the name tried in a failed login); null when unknown. */
  readonly user: string | null;
  /** Client address (IP), or null for local commands and the process itself. */
  readonly address: string | null;
  /** Gateway time, epoch ms. */
  readonly time: number;
  /** Short human text: `login from 10.0.0.7 (password)`. Never a password, token or secret. */
  readonly message: string;
  /** Machine-readable facts (the permission refused, the route, the token id, the config hash…). Never secrets. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** Where audit events go (the journal). Recording must not throw into the request: failures are the sink's to report. */
export interface AuditSink {
  record(e: AuditEvent): void;
}
