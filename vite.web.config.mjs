/**
 * The page (src/web): `npm run web` serves it for development, `npm run
 * build:web` (and `npm run build`) writes the static folder dist/web, which
 * `tricolor serve` serves. Both send COOP/COEP, so the page is cross-origin
 * isolated: shared memory for pause and step, and a 5-µs clock instead of
 * 100 µs. The worker and the core's .wasm are found by `new URL(…,
 * import.meta.url)` and copied by Vite.
 */
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("./src/web/", import.meta.url));
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp", "Cross-Origin-Resource-Policy": "same-origin" };

export default {
  root,
  base: "./",
  publicDir: false,
  clearScreen: false,
  logLevel: "warn",
  server: { headers: isolation, fs: { allow: [fileURLToPath(new URL(".", import.meta.url))] } },
  preview: { headers: isolation },
  worker: { format: "es" },
  build: {
    outDir: fileURLToPath(new URL("./dist/web/", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // The page is small; a source map would double what the package ships.
    sourcemap: false,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
};
