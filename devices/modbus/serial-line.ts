import { SerialPort } from 'serialport';

/** The few calls the RTU simulator makes on a serial line: a narrow port over `serialport`. */
export interface SerialLine {
  write(bytes: Uint8Array): void;
  close(): Promise<void>;
}

export interface SerialLineOptions {
  readonly path: string;
  readonly baudRate: number;
  readonly parity: 'none' | 'even' | 'odd';
  readonly dataBits: 7 | 8;
  readonly stopBits: 1 | 2;
}

export type OpenSerialLine = (options: SerialLineOptions, onData: (chunk: Uint8Array) => void, onError: (error: Error) => void) => Promise<SerialLine>;

/** Opens a serial device (or a pty) with the `serialport` package. */
export const openSerialPort: OpenSerialLine = (options, onData, onError) =>
  new Promise((resolve, reject) => {
    const port = new SerialPort({ ...options, autoOpen: false });
    port.open((error) => {
      if (error) {
        reject(error);
        return;
      }
      port.on('data', (chunk: Buffer) => onData(chunk));
      port.on('error', onError);
      resolve({
        write: (bytes) => {
          port.write(Buffer.from(bytes));
        },
        close: () =>
          new Promise<void>((done) => {
            if (!port.isOpen) {
              done();
              return;
            }
            port.close(() => done());
          }),
      });
    });
  });
