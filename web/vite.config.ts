import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API server (npm start) listens on 3000; in `vite dev` the same paths are proxied
// so the browser sees one origin, as it will in production.
const api = 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or data: URLs for scripts: the server's CSP allows 'self' only.
    assetsInlineLimit: 0,
    rolldownOptions: {
      output: {
        // The screens that parse live events (board, ticket page, dashboard) share zod and
        // the server's contracts; kept in a chunk of their own, the kiosk never loads them.
        advancedChunks: {
          groups: [{ name: 'contracts', test: /node_modules[\\/]zod[\\/]|server[\\/]src[\\/]/ }],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: api },
      '/health': { target: api },
      '/openapi.json': { target: api },
      '/docs': { target: api },
    },
  },
});
