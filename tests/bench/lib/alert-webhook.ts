import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A stand-in for Alertmanager's v2 API (POST /api/v2/alerts), enough for vmalert's notifier: it
 * stamps the arrival time of every alert it is sent, so the bench can see when a probe fired.
 */
const AlertsBody = z.array(
  z.object({
    labels: z.record(z.string(), z.string()),
    startsAt: z.string().optional(),
    endsAt: z.string().optional(),
  }),
);
export type ReceivedAlert = z.infer<typeof AlertsBody>[number] & { readonly receivedAt: number };

export interface AlertWebhook {
  /** Base URL to pass as vmalert's -notifier.url. */
  readonly url: string;
  /**
   * The first alert received whose labels include `labels`, or undefined so far. vmalert sends an
   * alert first when it fires (resolved ones follow later), so this is the firing notification.
   */
  firstAlert(labels: Readonly<Record<string, string>>): ReceivedAlert | undefined;
  /** Bodies that were not a valid alert list (a bench bug, or a vmalert API change). */
  readonly rejected: () => number;
  close(): Promise<void>;
}

export async function startAlertWebhook(): Promise<AlertWebhook> {
  const alerts: ReceivedAlert[] = [];
  let rejected = 0;
  const server = createServer((req, res) => void receive(req, res));

  async function receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    let body = '';
    for await (const chunk of req) body += String(chunk);
    if (req.method !== 'POST' || req.url !== '/api/v2/alerts') {
      res.writeHead(404).end();
      return;
    }
    const parsed = AlertsBody.safeParse(safeJson(body));
    if (!parsed.success) {
      rejected++;
      res.writeHead(400).end();
      return;
    }
    for (const a of parsed.data) alerts.push({ ...a, receivedAt });
    res.writeHead(200).end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    firstAlert: (labels) => alerts.find((a) => Object.entries(labels).every(([k, v]) => a.labels[k] === v)),
    rejected: () => rejected,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
