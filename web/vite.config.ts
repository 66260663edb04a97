import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console is built into the server's static files; every asset is bundled (air-gapped use).
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  // The contract's schemas are for the server and the type checker: see src/zod-stub.ts.
  resolve: { alias: { zod: fileURLToPath(new URL('src/zod-stub.ts', import.meta.url)) } },
  build: { outDir: '../dist/web', emptyOutDir: true, assetsInlineLimit: 0 },
});
