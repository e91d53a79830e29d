import { defineConfig, type Plugin } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Preloads the Latin faces of the bundled fonts from index.html: otherwise the browser asks for
 * them only once the first layout finds text that uses them, and lays the page out again when
 * they arrive.
 */
function preloadFonts(): Plugin {
  const FACE = /^assets\/(inter|jetbrains-mono)-latin-\d+-normal-[\w-]+\.woff2$/;
  return {
    name: 'vigil-preload-fonts',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const files = Object.keys(ctx.bundle ?? {}).filter((f) => FACE.test(f)).sort();
        return files.map((f) => ({
          tag: 'link',
          attrs: { rel: 'preload', as: 'font', type: 'font/woff2', crossorigin: '', href: `./${f}` },
          injectTo: 'head' as const,
        }));
      },
    },
  };
}

// One file for the renderer build (Vite) and the Node test suites (Vitest).
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), preloadFonts()],
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
