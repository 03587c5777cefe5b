import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The disk spool of the InfluxDB sink: every batch is written here before it is sent, one file
 * per batch (`<seq>.lp`, line protocol), and removed once the database has it. Written files
 * survive a crash or kill -9 of the gateway; on start the spool is read back in order. Bounded by
 * bytes and age: the oldest batches are discarded only past a limit, counted, and warned about
 * well before (see InfluxSink).
 */
export interface SpooledBatch {
  readonly seq: number;
  readonly file: string;
  readonly bytes: number;
  readonly lines: number;
  /** When it was spooled, epoch ms. */
  readonly at: number;
}

const NAME = /^(\d{12})\.lp$/;

export class Spool {
  private readonly batches: SpooledBatch[] = [];
  private nextSeq = 1;
  private total = 0;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir).sort()) {
      const m = NAME.exec(name);
      if (m === null) continue;
      const file = join(dir, name);
      const st = statSync(file);
      const lines = countLines(readFileSync(file, 'utf8'));
      this.batches.push({ seq: Number(m[1]), file, bytes: st.size, lines, at: st.mtimeMs });
      this.total += st.size;
    }
    this.nextSeq = (this.batches.at(-1)?.seq ?? 0) + 1;
  }

  get bytes(): number {
    return this.total;
  }

  get length(): number {
    return this.batches.length;
  }

  get lines(): number {
    return this.batches.reduce((n, b) => n + b.lines, 0);
  }

  /** Spooled time of the oldest batch, or undefined when empty. */
  get oldestAt(): number | undefined {
    return this.batches[0]?.at;
  }

  /** Writes a batch (temp file + rename: a crash never leaves half a batch under a real name). */
  append(lines: readonly string[], now: number): SpooledBatch {
    const seq = this.nextSeq++;
    const file = join(this.dir, `${String(seq).padStart(12, '0')}.lp`);
    const text = `${lines.join('\n')}\n`;
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    const batch = { seq, file, bytes: Buffer.byteLength(text), lines: lines.length, at: now };
    this.batches.push(batch);
    this.total += batch.bytes;
    return batch;
  }

  /** The oldest batches, up to `maxLines` lines together (at least one batch). */
  head(maxLines: number): SpooledBatch[] {
    const out: SpooledBatch[] = [];
    let n = 0;
    for (const b of this.batches) {
      if (out.length > 0 && n + b.lines > maxLines) break;
      out.push(b);
      n += b.lines;
    }
    return out;
  }

  read(batch: SpooledBatch): string[] {
    return readFileSync(batch.file, 'utf8').split('\n').filter((l) => l !== '');
  }

  /** Removes batches from the head (sent, or discarded). */
  remove(batches: readonly SpooledBatch[]): void {
    for (const b of batches) {
      const i = this.batches.indexOf(b);
      if (i < 0) continue;
      this.batches.splice(i, 1);
      this.total -= b.bytes;
      try {
        unlinkSync(b.file);
      } catch {
        // already gone
      }
    }
  }

  /** Replaces a batch's content (after bad lines were dropped from it). */
  rewrite(batch: SpooledBatch, lines: readonly string[]): SpooledBatch {
    const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    writeFileSync(`${batch.file}.tmp`, text);
    renameSync(`${batch.file}.tmp`, batch.file);
    const next = { ...batch, bytes: Buffer.byteLength(text), lines: lines.length };
    const i = this.batches.indexOf(batch);
    if (i >= 0) this.batches[i] = next;
    this.total += next.bytes - batch.bytes;
    return next;
  }
}

function countLines(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line !== '') n++;
  return n;
}
