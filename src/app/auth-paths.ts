import { join } from 'node:path';
import { authSectionSchema, resolvePath, type AuthSection } from '../config/index.js';

/**
 * The auth section with its paths absolute: users.dir (default `<store dir>/auth`) and the JWT
 * public key files, against the config file's folder. Always present after loading: auth is
 * always on, an absent section is its defaults.
 */
export function resolveAuthPaths(file: string, section: AuthSection | undefined, storeDir: string): AuthSection {
  const auth = section ?? authSectionSchema.parse({});
  const dir = auth.users.dir === undefined ? join(storeDir, 'auth') : resolvePath(file, auth.users.dir);
  const jwt = auth.jwt?.publicKeys === undefined ? auth.jwt : { ...auth.jwt, publicKeys: auth.jwt.publicKeys.map((k) => (k.file === undefined ? k : { ...k, file: resolvePath(file, k.file) })) };
  return { ...auth, users: { ...auth.users, dir }, ...(jwt === undefined ? {} : { jwt }) };
}

/** The folder of users.db: auth.users.dir as loaded, else `<store dir>/auth` (a config built without loadSite). */
export function usersDirOf(config: { readonly store: { readonly dir: string }; readonly auth?: AuthSection | undefined }): string {
  return config.auth?.users.dir ?? join(config.store.dir, 'auth');
}
