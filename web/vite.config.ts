import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is built into the server's static files; every asset is bundled (air-gapped use).
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  // The contract's schemas are for the server and the type checker: see src/zod-stub.ts.
  resolve: {
    alias: {
      zod: fileURLToPath(new URL('src/zod-stub.ts', import.meta.url)),
      // The console is written against React's API and runs on Preact's (the same components,
      // a sixth of the bytes): an official's first visit stays small.
      'react-dom/client': 'preact/compat/client',
      'react-dom/test-utils': 'preact/test-utils',
      'react-dom': 'preact/compat',
      'react/jsx-runtime': 'preact/jsx-runtime',
      'react/jsx-dev-runtime': 'preact/jsx-dev-runtime',
      react: 'preact/compat',
    },
  },
  build: { outDir: '../dist/web', emptyOutDir: true, assetsInlineLimit: 0 },
});
