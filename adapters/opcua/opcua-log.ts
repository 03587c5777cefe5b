import { format } from 'node:util';
import { setErrorLogger, setWarningLogger } from 'node-opcua-debug';
import type { Logger } from '../../src/core/index.js';

let routed = false;

/**
 * node-opcua prints its warnings and errors as plain text on stdout, which would break hazgate's
 * JSON log lines. Route them into the gateway's logger (warnings at debug: the adapter reports what
 * matters with its own coded errors; node-opcua errors at warn). Call before node-opcua is loaded,
 * so its first warnings (printed at import) are routed too. Once per process.
 */
export function routeOpcuaLogs(logger: Logger): void {
  if (routed) return;
  routed = true;
  const child = logger.child({ component: 'node-opcua' });
  const text = (args: unknown[]): string => format(...args).replace(/\s+/g, ' ').trim();
  setWarningLogger((...args: unknown[]) => child.debug({}, text(args)));
  setErrorLogger((...args: unknown[]) => child.warn({}, text(args)));
}
