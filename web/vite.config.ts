import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is built into the server's static files; every asset is bundled (air-gapped use).
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  // The contract's zod schemas run in the browser too: a call is checked before it is sent;
  // `zod` is configured first (src/zod.ts: no eval).
  resolve: {
    alias: [
      { find: /^zod$/, replacement: fileURLToPath(new URL('src/zod.ts', import.meta.url)) },
      // The console is written against React's API and runs on Preact's (the same components,
      // a sixth of the bytes): an official's first visit stays small.
      { find: 'react-dom/client', replacement: 'preact/compat/client' },
      { find: 'react-dom/test-utils', replacement: 'preact/test-utils' },
      { find: 'react-dom', replacement: 'preact/compat' },
      { find: 'react/jsx-runtime', replacement: 'preact/jsx-runtime' },
      { find: 'react/jsx-dev-runtime', replacement: 'preact/jsx-dev-runtime' },
      { find: 'react', replacement: 'preact/compat' },
    ],
  },
  build: { outDir: '../dist/web', emptyOutDir: true, assetsInlineLimit: 0 },
});
