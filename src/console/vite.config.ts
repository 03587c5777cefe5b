import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The supervisor console's build (issue #12): `npm run build:console` bundles src/console into
 * dist/console, which the gateway and the centre serve (src/server/console-assets.ts). Asset names
 * carry a content hash, so the server can let browsers keep them for a year; index.html and the
 * public files are revalidated on every load. Typechecked by tsconfig.test.json (Node), not by
 * tsconfig.console.json (the browser code).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: 'public',
  // No .env files: the console learns where it runs from the page the server sends.
  envDir: false,
  clearScreen: false,
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // The CSP allows scripts from 'self' only: no inline preload polyfill.
    modulePreload: { polyfill: false },
    // The CSP forbids inline data: fonts and scripts; only small images may be inlined (img-src data:).
    assetsInlineLimit: (file) => (/\.(svg|png|gif|jpe?g|webp)$/i.test(file) ? undefined : false),
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1024,
  },
});
