/**
 * The error catalogue. Every error hazgate reports carries one of these codes; docs/errors.md lists
 * them and a test keeps the two in step. Classify by code, never by message text.
 */
export const ERROR_CODES = {
  HG_ERR_CONFIG_READ: 'The config file (or an included file) cannot be read.',
  HG_ERR_CONFIG_YAML: 'The config file is not valid YAML.',
  HG_ERR_CONFIG_INVALID: 'The config does not match the schema; every problem is listed with file and YAML path.',
  HG_ERR_CONFIG_INCLUDE: 'An include is missing, loops, or contains keys other than points and rules.',
  HG_ERR_CONFIG_RELOAD: 'A configuration reload was refused and the running configuration kept: the new file changes what only a restart applies (server, store, broker, auth, uplink, people, video…, or an interlock point), another reload is running, or the gateway was started without a file.',

  HG_ERR_INGEST_MALFORMED: 'A payload is not valid JSON (or not the shape the mapping expects).',
  HG_ERR_INGEST_TOO_LARGE: 'A payload is larger than the adapter’s maxPayloadBytes.',
  HG_ERR_INGEST_NO_POINT: 'A reading names no point (missing id field or topic segment).',
  HG_ERR_INGEST_UNKNOWN_POINT: 'A reading names a point that is not configured.',
  HG_ERR_INGEST_WRONG_TYPE: 'A value has the wrong type for its point (a string for a number, say).',
  HG_ERR_INGEST_NOT_FINITE: 'A numeric value is NaN or ±Infinity.',
  HG_ERR_INGEST_BAD_TIMESTAMP: 'A timestamp cannot be parsed or is before 2000-01-01.',
  HG_ERR_INGEST_FUTURE_TIMESTAMP: 'A timestamp is further in the future than ingest.maxFutureMs allows.',

  HG_ERR_MQTT_CONNECT: 'The MQTT broker cannot be reached or refused the connection.',
  HG_ERR_MQTT_SUBSCRIBE: 'The broker refused a subscription.',
  HG_ERR_MQTT_MALFORMED_PACKET: 'The broker sent bytes that are not valid MQTT; the connection is dropped and re-established.',
  HG_ERR_BROKER_LISTEN: 'The embedded MQTT broker cannot listen on its port.',
  HG_ERR_SPARKPLUG_DECODE: 'A Sparkplug B payload is not a valid protobuf Payload (a truncated field, a varint past 10 bytes, a length past the message, a wire type the schema does not use): the message is dropped and counted; the process goes on.',
  HG_ERR_SPARKPLUG_TOPIC: 'A message under spBv1.0/<group>/ whose topic is not a Sparkplug B topic (an unknown message type, a missing or extra level): dropped and counted.',
  HG_ERR_SPARKPLUG_METRIC: 'A Sparkplug metric cannot be read: no name and no alias, a birth metric without an alias name, or no value field for its datatype: that metric is skipped and counted, the rest of the message is used.',
  HG_ERR_SPARKPLUG_UNKNOWN_ALIAS: 'A data message names a metric by an alias its node’s or device’s last birth did not declare: the metric is skipped, counted, and a rebirth is requested (at most one per node per rebirthInterval and maxRebirthsPerSecond in all; one needed sooner is sent when they allow).',
  HG_ERR_SPARKPLUG_BEFORE_BIRTH: 'Data (or a device birth) from an edge node or device whose birth hazgate has not seen since it (or hazgate) connected: dropped, counted, and a rebirth is requested (at most one per node per rebirthInterval and maxRebirthsPerSecond in all; one needed sooner is sent when they allow).',
  HG_ERR_SPARKPLUG_SEQ_GAP: 'An edge node’s seq skipped a number and the missing message did not arrive within reorderTimeout (the messages held meanwhile are used in seq order), or a message’s seq is far off the expected one (a jump of 128 or more: out of step, dropped): a rebirth (NCMD Node Control/Rebirth) is requested.',
  HG_ERR_SPARKPLUG_COMMAND_REFUSED: 'Something inside hazgate tried to publish a Sparkplug command other than NCMD Node Control/Rebirth = true (a DCMD, a write to a process value): refused before it reaches the broker. hazgate never writes to the plant; this is a bug.',

  HG_ERR_MODBUS_CONNECT: 'A Modbus line (TCP connection or serial port) cannot be opened or was lost; its points go bad (comm-lost) and it is reopened every reconnectMs.',
  HG_ERR_MODBUS_TIMEOUT: 'A Modbus device did not answer within timeoutMs; its points go bad (comm-timeout) and it is backed off.',
  HG_ERR_MODBUS_EXCEPTION: 'A Modbus device answered with an exception (details.exception: 2 illegal data address, 4 device failure, 6 busy…); counted per device and code.',
  HG_ERR_MODBUS_FRAME: 'A Modbus answer was malformed (CRC error, wrong length, wrong unit id or function); the request’s points go bad for that cycle.',
  HG_ERR_OPCUA_CONNECT: 'An OPC UA server cannot be reached, refused the session, or the connection was lost; its points go bad (comm-lost) and the client keeps reconnecting.',
  HG_ERR_OPCUA_UNTRUSTED_SERVER: 'The OPC UA server’s certificate is not trusted: it is in the adapter’s pki/rejected folder until `hazgate pki trust` (or moving it to pki/trusted/certs) trusts it.',
  HG_ERR_OPCUA_ITEM: 'An OPC UA monitored item was refused (unknown NodeId, browse path that does not resolve, bad attribute); its point goes bad with the server’s status, the other items keep working.',
  HG_ERR_MODBUS_PLAN_INVALID: 'A Modbus register or read-planning option is invalid (address, count, unit id, function, duplicate).',
  HG_ERR_MODBUS_ITEM_TOO_LARGE: 'A Modbus register spans more registers (bits) than one read may take (125 / 2000).',
  HG_ERR_MODBUS_DECODE_RANGE: 'A Modbus value needs registers beyond the block that was read.',
  HG_ERR_MODBUS_DECODE_INVALID: 'A Modbus value cannot be decoded (unknown type or order, a bad bit or length, a register outside 0..65535).',

  HG_ERR_ALARM_UNKNOWN_CONDITION: 'No configured or retained alarm condition has that conditionId.',
  HG_ERR_ALARM_STALE_EVENT: 'The eventId is not the condition’s latest: reload and act on what you see.',
  HG_ERR_ALARM_ALREADY_ACKED: 'The condition is already acknowledged (or normal: there is nothing to acknowledge).',
  HG_ERR_ALARM_NOT_ACKED: 'Confirm and reset need the alarm acknowledged first.',
  HG_ERR_ALARM_ALREADY_CONFIRMED: 'The condition awaits no confirmation (confirmed already, or its rule does not ask for one).',
  HG_ERR_ALARM_NOT_LATCHED: 'Reset applies only to a latched alarm.',
  HG_ERR_ALARM_STILL_ACTIVE: 'A latched alarm can be reset only after its process value is back to normal.',
  HG_ERR_ALARM_NOT_ACTIVE: 'A one-shot shelve applies only to an active alarm (it ends when the alarm returns to normal); use a timed shelve.',
  HG_ERR_ALARM_NOT_SHELVABLE: 'The condition’s rule says `shelvable: false` (a safety alarm the alarm philosophy forbids hiding).',
  HG_ERR_ALARM_ALREADY_SHELVED: 'The condition is shelved already: unshelve it first to shelve it differently.',
  HG_ERR_ALARM_NOT_SHELVED: 'The condition is not shelved.',
  HG_ERR_ALARM_SHELVE_TOO_LONG: 'A timed shelve is longer than the site’s alarms.maxShelve (8 h unless configured).',
  HG_ERR_ALARM_OUT_OF_SERVICE: 'The condition is out of service: return it to service before shelving it.',
  HG_ERR_ALARM_ALREADY_OUT_OF_SERVICE: 'The condition is out of service already.',
  HG_ERR_BYPASS_UNKNOWN_INTERLOCK: 'No configured interlock has that id (its points carry attrs.interlock).',
  HG_ERR_BYPASS_ACTIVE: 'The interlock has an active registered bypass already: end it first.',
  HG_ERR_BYPASS_SELF_APPROVED: 'A bypass needs an approver other than the person who bypasses (four eyes).',
  HG_ERR_BYPASS_BAD_PERIOD: 'The planned end of a bypass must be after its start (and in the future).',
  HG_ERR_BYPASS_UNKNOWN: 'No registered bypass has that id.',
  HG_ERR_BYPASS_NOT_ACTIVE: 'The bypass has ended already.',
  HG_ERR_ALARM_IN_SERVICE: 'The condition is in service: there is nothing to return to service.',

  HG_ERR_STORE_OPEN: 'The embedded store cannot be opened.',
  HG_ERR_STORE_WRITE: 'Samples could not be written to the embedded store; they stay buffered and are retried.',
  HG_ERR_STORE_OVERFLOW: 'The store buffer was full and the oldest samples were dropped (counted).',
  HG_ERR_STORE_QUERY: 'A history query failed.',
  HG_ERR_INFLUX_WRITE: 'InfluxDB is unreachable or busy (network error, timeout, 429, 5xx): the batches stay in the disk spool and are retried with back-off (honouring Retry-After).',
  HG_ERR_INFLUX_REFUSED: 'InfluxDB refuses the writes (401/403, unknown org or bucket): the sink is down on /readyz, data stays in the spool and is retried slowly.',
  HG_ERR_INFLUX_BAD_LINE: 'InfluxDB refused a line as malformed (400/422) or too large (413 on a single line): that line is dropped with the reason, the rest is written.',
  HG_ERR_INFLUX_SPOOL: 'The InfluxDB spool folder cannot be written: lines stay in memory and the write is retried.',
  HG_ERR_INFLUX_SPOOL_FULL: 'The InfluxDB spool passed its size or age limit and its oldest batch was discarded (counted; a warning comes at 80 %).',
  HG_ERR_JOURNAL_WRITE: 'An alarm transition could not be written to the journal.',

  HG_ERR_CENTRE_STORE: 'The centre store (centre.db) cannot be opened, read or written: the batch is not acknowledged (HTTP 503; over MQTT the connection is dropped so the broker delivers it again) and the gateway sends it again.',
  HG_ERR_CENTRE_UNKNOWN_SITE: 'A feed batch names a site the centre config does not list: refused and counted (HTTP 401; over MQTT unless acceptUnknownSites). Over HTTP(S) an unlisted site has no key to verify and is always refused.',
  HG_ERR_CENTRE_WRONG_PARTITION: 'An MQTT feed batch arrived on a partition other than fnv1a32(site) mod partitions: the gateway’s uplink partitions differ from the centre’s; refused and counted.',
  HG_ERR_CENTRE_FEED_GAP: 'Feed messages of a site are missing (a batch lost in transit, or dropped at the gateway’s bounds): listed on GET /api/sites until filled (lost ones stay listed); the ack waits below the first gap the gateway may still fill.',
  HG_ERR_CENTRE_CHAIN_BROKEN: 'A site’s journal record does not match its chain hash, or a head the gateway sent differs from the centre’s record at that seq: shown on GET /api/sites (chain verdict tampered or head-mismatch, with the seq), logged and counted.',

  HG_ERR_UPLINK_OUTBOX: 'The uplink outbox (uplink.db) cannot be opened (unwritable, corrupt, made for another site) or written: feed messages are not queued until it can be.',
  HG_ERR_UPLINK_OUTBOX_FULL: 'The uplink outbox passed its size or age bound and dropped its oldest messages (snapshots, status and heads first, journal records last; counted by kind): the centre sees a gap. Warnings come at 50 % and 80 % of the bound.',
  HG_ERR_UPLINK_BAD_MESSAGE: 'A feed message, batch or ack does not match the published feed schema (docs/uplink/feed.schema.json) or names another site.',
  HG_ERR_UPLINK_BAD_SIGNATURE: 'A feed batch’s X-Hazgate-Signature is missing, malformed or does not verify with the site’s key.',
  HG_ERR_UPLINK_KJ_LAYOUT: 'A KJ (coal-mine networking text) table layout is invalid: a table or database name that is not 1-16 letters, digits or underscores, no fields, an empty path, an unknown format.',
  HG_ERR_UPLINK_CONFIG: 'An uplink transport or exporter option is invalid (a site id that cannot be a topic level, partitions not 1-65536, a URL of the wrong scheme) or a TLS file it names cannot be read: refused when the transport is created.',
  HG_ERR_UPLINK_TRANSPORT: 'A feed batch could not be handed to the centre (broker or server unreachable, connection lost, timeout, HTTP 5xx, 408 or 429) or the KJ exporter lost its TCP connection: retried with back-off (1 s doubling to 60 s), nothing is dropped. Reported once per outage, every one counted.',
  HG_ERR_UPLINK_REFUSED: 'The centre refused a feed batch (HTTP 4xx other than 408 and 429, a redirect): a wrong key or signature, an unknown site, a wrong URL. A misconfiguration: counted, retried slowly (every 60 s by default), nothing is dropped.',
  HG_ERR_UPLINK_NO_ACK: 'No acknowledgement advanced within ackTimeoutMs while batches were in flight (the centre is down or slow, or its acks do not reach the gateway): the sender goes back to the oldest unacknowledged message and sends again, waiting twice as long each time up to 60 s.',

  HG_ERR_AUTH_REQUIRED: 'The request carries no credentials (no session, API token or bearer JWT) and the route needs them (HTTP 401).',
  HG_ERR_AUTH_FAILED: 'A wrong user name or password, an unknown or malformed API token, or a JWT whose signature, issuer, audience or key does not verify (HTTP 401). Which of them is never said; counted for the lockout.',
  HG_ERR_AUTH_LOCKED: 'Too many failed logins for this user or from this address (auth.lockout): refused without checking the password until details.retryAfterMs has passed (HTTP 429 with Retry-After).',
  HG_ERR_AUTH_FORBIDDEN: 'The user is authenticated but no role of theirs grants the permission, the target is outside their sites and areas, or a JWT maps to no hazgate role (HTTP 403).',
  HG_ERR_AUTH_TOKEN_EXPIRED: 'The API token or JWT is past its expiry (HTTP 401): issue a new one.',
  HG_ERR_AUTH_TOKEN_REVOKED: 'The API token was revoked, or its user disabled or removed (HTTP 401).',
  HG_ERR_AUTH_USER_EXISTS: 'A user of that name exists already (HTTP 409).',
  HG_ERR_AUTH_UNKNOWN_USER: 'No user (or API token) of that name or id, in user administration; a login never says so (HTTP 404).',
  HG_ERR_AUTH_WEAK_PASSWORD: 'A new password is shorter than 12 characters, longer than 1024, or is the user name (HTTP 400).',
  HG_ERR_AUTH_JWKS: 'The identity provider’s JWKS cannot be fetched or parsed and no earlier copy is at hand: bearer JWTs cannot be checked (HTTP 503); retried on the next request at most every 30 s.',
  HG_ERR_AUTH_STORE: 'The user store (users.db) cannot be opened, read or written.',
  HG_ERR_AUTH_CSRF: 'A state-changing request authenticated by the session cookie lacks the X-Hazgate-Csrf header, or its value is not the session’s (HTTP 403): read it from POST /api/login or GET /api/me.',

  HG_ERR_API_BAD_REQUEST: 'A request’s parameters or body are invalid.',
  HG_ERR_API_NOT_FOUND: 'No such point, condition or route.',
  HG_ERR_WS_BAD_MESSAGE: 'A WebSocket message is not JSON or not a known message type.',
  HG_ERR_WS_SLOW_CLIENT: 'A WebSocket client fell too far behind and was disconnected (it re-snapshots on reconnect).',
  HG_ERR_WS_RATE: 'A WebSocket client sends messages faster than server.wsMessageRate allows: the extra messages are refused, and a client that keeps on is disconnected (close code 1008).',
  HG_ERR_WS_LIMIT: 'A WebSocket connection is refused at the upgrade: the server has server.wsMaxConnections clients (HTTP 503), or the user has server.wsMaxConnectionsPerUser (HTTP 429).',

  HG_ERR_SERVER_LISTEN: 'The HTTP server cannot listen on its port.',
  HG_ERR_SIM_SCENARIO: 'A simulator scenario file is invalid.',
  HG_ERR_SIM_LISTEN: 'A device simulator cannot listen on its TCP port or open its serial device.',
  HG_ERR_CLI_USAGE: 'The command line is wrong.',
  HG_ERR_INTERNAL: 'An unexpected failure inside hazgate (a bug). A failed request answers 500 and the process goes on; an uncaught exception is logged with its stack and the process exits 70 so its supervisor restarts it.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class HazgateError extends Error {
  override readonly name = 'HazgateError';
  readonly code: ErrorCode;
  /** Structured context: point, topic, file, path… */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isHazgateError(e: unknown): e is HazgateError {
  return e instanceof HazgateError;
}
