import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The app is served by the demo host at `/`, beside the API: same origin, so no proxy or CORS.
// `pnpm --filter @customer-panel/web dev` proxies the API to a running `pnpm demo serve`.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  server: {
    proxy: {
      "/trpc": "http://127.0.0.1:3000",
      "/downloads": "http://127.0.0.1:3000",
      "/demo": "http://127.0.0.1:3000",
    },
  },
});
