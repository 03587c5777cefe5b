import { Counter, Gauge, type Registry } from 'prom-client';

/** Values are read from plain numbers at scrape time: reset, then filled from the component's counters. */
function readAtScrape<M extends Counter | Gauge>(read: (m: M) => void): (this: M) => void {
  return function collect(this: M) {
    this.reset();
    read(this);
  };
}

/** A counter whose value a component keeps; /metrics copies it at each scrape. */
export function mirrorCounter(reg: Registry, name: string, help: string, labelNames: string[], read: (c: Counter) => void): void {
  new Counter({ name, help, labelNames, registers: [reg], collect: readAtScrape(read) });
}

/** A gauge read at each scrape. */
export function gauge(reg: Registry, name: string, help: string, labelNames: string[], read: (g: Gauge) => void): void {
  new Gauge({ name, help, labelNames, registers: [reg], collect: readAtScrape(read) });
}
