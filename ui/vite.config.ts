/// <reference types="vitest/config" />
// Builds the UI into dist/ for Tauri to embed; everything is bundled, nothing is fetched from the network.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari16',
    // Keep every asset a file: nothing inlined, so the CSP stays simple.
    assetsInlineLimit: 0,
    sourcemap: false,
    // The routed app is one lazily imported chunk (App.svelte): no `<link rel="modulepreload">` is added to the page
    // for it (the end-to-end suite allows no link but stylesheets, so that a payload's link would show).
    modulePreload: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
});
