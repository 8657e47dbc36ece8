import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The dashboard is served by the API at /dashboard/ from dist/dashboard (see docs/dashboard.md). */
export default defineConfig({
  root: here,
  base: '/dashboard/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    // vega + vega-lite are most of the bundle; an admin page loads it once.
    chunkSizeWarningLimit: 2500,
  },
});
