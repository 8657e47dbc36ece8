import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const page = (name: string) => fileURLToPath(new URL(name, import.meta.url));

/**
 * The dashboard is served by the API at /dashboard/ from dist/dashboard, and GraphiQL at
 * /graphiql from the same build (see docs/dashboard.md). Two pages, two entries: GraphiQL
 * (Monaco and its workers) is only loaded by its own page, never by the dashboard's.
 */
export default defineConfig({
  root: here,
  base: '/dashboard/',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../../dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: {
      input: { dashboard: page('index.html'), graphiql: page('graphiql.html') },
      // Radix UI (inside GraphiQL) marks its modules "use client", a hint for React server
      // components; this bundle runs only in the browser, so the directive means nothing here.
      checks: { moduleLevelDirective: false },
      output: {
        // React is what both pages share: one named chunk rather than one named after whichever
        // module rolldown happened to put with it.
        codeSplitting: {
          groups: [
            { name: 'react', test: /[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
          ],
        },
      },
    },
    // vega + vega-lite are most of the dashboard's bundle (0.8 MB); Monaco, GraphiQL's editor,
    // is one 2.8 MB chunk that only /graphiql loads. Admin pages, loaded once, cached immutable.
    chunkSizeWarningLimit: 3000,
  },
});
