import { HazgateError } from '../core/index.js';

/**
 * Where `hazgate user add` gets a password. Never from argv: a command line is visible to every
 * user of the machine (ps, /proc) and lands in shell histories.
 */
export interface PasswordInput {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadStream;
  /** Writes without a newline, to stderr (so stdout stays the command's result). */
  readonly prompt: (text: string) => void;
}

const MAX_LINE = 4096;

/** HAZGATE_USER_PASSWORD, else a prompt (twice, not echoed) on a terminal, else the first line of stdin. */
export async function readPassword(user: string, io: PasswordInput): Promise<string> {
  const fromEnv = io.env['HAZGATE_USER_PASSWORD'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (io.stdin.isTTY === true) {
    const first = await askHidden(`Password for ${user}: `, io);
    const again = await askHidden('Same again: ', io);
    if (first !== again) throw usage('the two passwords differ');
    return first;
  }
  const line = await firstLine(io.stdin);
  if (line === '') throw usage('no password: type it at the prompt, or give it in HAZGATE_USER_PASSWORD or as the first line of stdin (never on the command line)');
  return line;
}

function usage(message: string): HazgateError {
  return new HazgateError('HG_ERR_CLI_USAGE', message);
}

function firstLine(stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.off('end', finish);
      stdin.off('error', onError);
      stdin.pause();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (text.includes('\n') || text.length > MAX_LINE) finish();
    };
    const onError = (e: Error): void => reject(e);
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.once('error', onError);
    stdin.resume();
  });
}

/** Reads a line on a terminal in raw mode, echoing nothing; Ctrl-C cancels. */
function askHidden(question: string, io: PasswordInput): Promise<string> {
  const { stdin } = io;
  io.prompt(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.prompt('\n');
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return (done(), resolve(text));
        if (ch === '\u0003' || ch === '\u0004') return (done(), reject(usage('cancelled')));
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else if (ch >= ' ') text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
