import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { TeamId } from "../src/domain/ids.js";
import { ChannelOutput } from "../src/schemas/output-parts.js";
import { CapabilityOutput, ReasonOutput } from "../src/schemas/panel-output.js";
import { PROCEDURES, type ProcedurePath } from "../src/schemas/procedures.js";

/**
 * JSON Schema for every procedure's input and output (issue 16), generated from core's
 * zod schemas with zod 4's `z.toJSONSchema`, for clients not written in TypeScript.
 * A schema describes the `json` part of superjson's `{ json, meta }`: a `Date` travels
 * there as an ISO 8601 string (`format: "date-time"`), and `meta` names its path.
 */

/** Where the schemas are written, from the repository root; the client package ships it. */
export const JSON_SCHEMAS_DIR = "packages/client/schemas";

/** The command that regenerates them. */
export const JSON_SCHEMAS_COMMAND = "pnpm run docs";

/** One generated file: its name in {@link JSON_SCHEMAS_DIR} and its text. */
export interface GeneratedFile {
  readonly name: string;
  readonly text: string;
}

// The shared parts each schema names in its `$defs` instead of repeating them.
const named = z.registry<{ id: string }>();
for (const [id, schema] of Object.entries({
  // Every branded id (TeamId, ConversationId …) is one UUID schema: a brand is a type only.
  Uuid: TeamId,
  Channel: ChannelOutput,
  Capability: CapabilityOutput,
  Reason: ReasonOutput,
})) {
  named.add(schema, { id });
}

/** JSON Schema of one zod schema, as it travels in superjson's `json`. */
export const jsonSchemaOf = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, {
    io,
    metadata: named,
    // A Date is unrepresentable in JSON; superjson sends it as an ISO string.
    unrepresentable: "any",
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
        ctx.jsonSchema.description =
          'A Date: an ISO 8601 string in `json`, its path listed in superjson\'s `meta.values` as ["Date"].';
      }
    },
  });

const fileText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The file names of one procedure's schemas. */
export const schemaFileNames = (path: ProcedurePath) => ({
  input: `${path}.input.schema.json`,
  output: `${path}.output.schema.json`,
});

/** Every file of {@link JSON_SCHEMAS_DIR}: an index, then each procedure's input and output. */
export const renderJsonSchemas = (): GeneratedFile[] => {
  const paths = Object.keys(PROCEDURES) as ProcedurePath[];
  const index = {
    description:
      "The customer panel's tRPC procedures (docs/api.md). Requests and answers are superjson: `{ json, meta? }`; each schema describes `json`. For a subscription, `output` is one event's data.",
    transformer: "superjson",
    procedures: Object.fromEntries(
      paths.map((path) => {
        const { kind, caller } = PROCEDURES[path];
        return [path, { kind, caller, ...schemaFileNames(path) }];
      }),
    ),
  };
  return [
    { name: "index.json", text: fileText(index) },
    ...paths.flatMap((path) => {
      const names = schemaFileNames(path);
      const describe = (io: "input" | "output") => ({
        title: `${path} ${io}`,
        ...jsonSchemaOf(PROCEDURES[path][io], io),
      });
      return [
        { name: names.input, text: fileText(describe("input")) },
        { name: names.output, text: fileText(describe("output")) },
      ];
    }),
  ];
};

/** The files now in `dir`, or an empty list when it does not exist. */
export const readJsonSchemas = (dir: string): GeneratedFile[] => {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith(".json"));
  } catch {
    return [];
  }
  return names.sort().map((name) => ({ name, text: readFileSync(join(dir, name), "utf8") }));
};
