// The client's published entry: one JavaScript module and one declaration file, built from
// tsc's output in dist/tsc. The declaration rolls up the server's AppRouter type (from the
// trpc package's emitted declarations) so a consumer needs neither @customer-panel/trpc nor
// its database, mailer or Node dependencies: core, effect, zod and tRPC stay imports.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { dts } from "rollup-plugin-dts";

const here = dirname(fileURLToPath(import.meta.url));
const trpcDeclarations = join(here, "..", "trpc", "dist");
const SERVER_TYPES = "\0server-types.d.ts";
const SERVER_CONTEXT = "\0server-context.d.ts";

// What a client may name from the server package, taken from the modules that declare it.
const serverTypes = [
  `export type { AppRouter } from ${JSON.stringify(join(trpcDeclarations, "router.d.ts"))};`,
  `export type { PanelErrorData } from ${JSON.stringify(join(trpcDeclarations, "errors.d.ts"))};`,
].join("\n");

// The router's context (services, database, mailer) is the server's business: tRPC's client
// types read the procedures, the error shape and the transformer, never `ctx`.
const serverContext = "export type PanelContext = object;\n";

// Anything in the published declaration that would make a consumer install the server.
const SERVER_ONLY = /@customer-panel\/(trpc|db)|drizzle-orm|["']pg["']|nodemailer|["']node:/;

/** Points the client's type imports of the server at the server's declarations, minus its context. */
const serverTypesOnly = {
  name: "server-types-only",
  resolveId(source, importer) {
    if (source === "@customer-panel/trpc") return SERVER_TYPES;
    if (source === "./context.js" && importer?.startsWith(trpcDeclarations)) return SERVER_CONTEXT;
    return null;
  },
  load(id) {
    if (id === SERVER_TYPES) return serverTypes;
    if (id === SERVER_CONTEXT) return serverContext;
    return null;
  },
  generateBundle(_options, bundle) {
    for (const file of Object.values(bundle)) {
      const match = file.type === "chunk" ? SERVER_ONLY.exec(file.code) : null;
      if (match) this.error(`${file.fileName} names server-only "${match[0]}"`);
    }
  },
};

const external = (id) => !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("\0");

export default [
  {
    input: "dist/tsc/index.js",
    output: { file: "dist/index.js", format: "es" },
    external,
    plugins: [serverTypesOnly],
  },
  {
    input: "dist/tsc/index.d.ts",
    output: { file: "dist/index.d.ts", format: "es" },
    external: (id) => external(id) && id !== "@customer-panel/trpc",
    plugins: [serverTypesOnly, dts()],
  },
];
