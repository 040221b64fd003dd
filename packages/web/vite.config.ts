import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The web UI is a static bundle the Loupe server serves from packages/web/dist. No inline script
 * ends up in index.html (the CSP allows script-src 'self' only); in development /api goes to a
 * Loupe server on port 3000.
 */
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // a module preload polyfill would be injected as an inline script
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
});
