import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built into the server's static files; every asset is bundled (air-gapped use).
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  plugins: [react()],
  build: { outDir: '../dist/web', emptyOutDir: true, assetsInlineLimit: 0 },
});
