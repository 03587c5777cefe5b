/**
 * Runs async jobs one after another. Every database operation of the store goes through one
 * queue, so a query never sees samples that are both buffered and half-committed, and only one
 * flush runs at a time.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job);
    this.tail = result.catch(() => undefined); // one failed job does not stop the next
    return result;
  }
}
