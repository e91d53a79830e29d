import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// One file for the renderer build (Vite) and the Node test suites (Vitest).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // Everything ships in the bundle: no CDN, no remote fonts.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    // The CSP forbids inline scripts; Chromium (Electron and the e2e browser) has native
    // modulepreload, so the polyfill is not needed.
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1' },
  test: {
    root: '.',
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
