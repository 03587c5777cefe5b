import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { EmbeddedStore, type EmbeddedStoreOptions } from '../../src/store/index.js';

export interface TempStores {
  tempDir(): string;
  /** Opens a store in a test; afterEach closes it and removes its folder. */
  openStore(opts: Partial<EmbeddedStoreOptions> & { dir: string }): Promise<EmbeddedStore>;
  /** Closes a store opened by openStore now (so afterEach does not close it twice). */
  closeStore(store: EmbeddedStore): Promise<void>;
}

/** Temp folders and stores for one test file; `defaults` fill what a test does not say. */
export function useTempStores(prefix: string, defaults: Omit<EmbeddedStoreOptions, 'dir'>): TempStores {
  const dirs: string[] = [];
  const stores: EmbeddedStore[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close().catch(() => undefined);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    tempDir() {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    async openStore(opts) {
      const store = await EmbeddedStore.open({ ...defaults, ...opts });
      stores.push(store);
      return store;
    },
    async closeStore(store) {
      stores.splice(stores.indexOf(store), 1);
      await store.close();
    },
  };
}

