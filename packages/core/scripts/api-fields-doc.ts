import { PROCEDURES, type ProcedurePath } from "../src/schemas/procedures.js";
import { jsonSchemaOf } from "./json-schemas.js";

/**
 * The "Outputs, field by field" part of docs/api.md (issue 16), rendered from the same
 * JSON Schemas as packages/client/schemas, so the documented fields cannot drift.
 */

/** The markers around the generated part of docs/api.md. */
export const API_FIELDS_BEGIN = "<!-- generated:outputs (pnpm run docs) -->";
/** The end marker of the generated part. */
export const API_FIELDS_END = "<!-- /generated:outputs -->";

interface Schema {
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly $ref?: string;
  readonly anyOf?: readonly Schema[];
  readonly oneOf?: readonly Schema[];
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly prefixItems?: readonly Schema[];
  readonly $defs?: Readonly<Record<string, Schema>>;
}

type Row = readonly [field: string, type: string];

const quoted = (values: readonly unknown[]) => values.map((v) => `\`${JSON.stringify(v)}\``);

/** A named shared part is referred to by name when it has fields of its own. */
const isNamedShape = (schema: Schema) =>
  schema.properties !== undefined || schema.oneOf !== undefined;

const resolve = (schema: Schema, defs: Readonly<Record<string, Schema>>): Schema =>
  schema.$ref === undefined ? schema : (defs[schema.$ref.replace("#/$defs/", "")] ?? {});

/** The type of one value, one line; objects are described by the rows under it. */
const typeOf = (schema: Schema, defs: Readonly<Record<string, Schema>>): string => {
  if (schema.$ref !== undefined) {
    const name = schema.$ref.replace("#/$defs/", "");
    const target = resolve(schema, defs);
    return isNamedShape(target) ? `[${name}](#${name.toLowerCase()})` : typeOf(target, defs);
  }
  if (schema.const !== undefined) return quoted([schema.const]).join("");
  if (schema.enum !== undefined) return quoted(schema.enum).join(" \\| ");
  if (schema.anyOf !== undefined) return schema.anyOf.map((s) => typeOf(s, defs)).join(" \\| ");
  if (schema.oneOf !== undefined) return "one of the shapes in the rows below";
  if (schema.type === "array") {
    const item = schema.items ?? schema.prefixItems?.[0] ?? {};
    const min = schema.prefixItems === undefined ? "" : " (at least one)";
    return `${typeOf(item, defs)}[]${min}`;
  }
  if (schema.type === "string" && schema.format !== undefined) return schema.format;
  if (Array.isArray(schema.type)) return schema.type.join(" \\| ");
  return typeof schema.type === "string" ? schema.type : "any";
};

/** Rows for every field under `prefix`, depth first. */
const rowsOf = (schema: Schema, defs: Readonly<Record<string, Schema>>, prefix: string): Row[] => {
  const own = schema.$ref !== undefined && isNamedShape(resolve(schema, defs));
  if (own) return [];
  const target = resolve(schema, defs);
  if (target.anyOf !== undefined) return target.anyOf.flatMap((s) => rowsOf(s, defs, prefix));
  if (target.type === "array" && target.items !== undefined) {
    return rowsOf(target.items, defs, `${prefix}[]`);
  }
  if (target.oneOf !== undefined) {
    return target.oneOf.flatMap((variant) => {
      const tag = Object.entries(variant.properties ?? {}).find(([, p]) => p.const !== undefined);
      const label = tag === undefined ? "" : ` (${tag[0]} = ${JSON.stringify(tag[1].const)})`;
      return rowsOf(variant, defs, prefix).map(([f, t]): Row => [`${f}${label}`, t]);
    });
  }
  return Object.entries(target.properties ?? {}).flatMap(([name, property]) => {
    const field = prefix === "" ? name : `${prefix}.${name}`;
    const optional = target.required?.includes(name) ? "" : " (optional)";
    return [
      [field, `${typeOf(property, defs)}${optional}`] as Row,
      ...rowsOf(property, defs, field),
    ];
  });
};

const table = (rows: readonly Row[]) =>
  rows.length === 0
    ? ["(no fields)"]
    : [
        "| field | type |",
        "|---|---|",
        ...rows.map(([field, type]) => `| \`${field.replaceAll("|", "\\|")}\` | ${type} |`),
      ];

/** The generated part of docs/api.md, markers included. */
export const renderApiFields = (): string => {
  const lines: string[] = [API_FIELDS_BEGIN, ""];
  const shared = new Map<string, { schema: Schema; defs: Readonly<Record<string, Schema>> }>();
  for (const path of Object.keys(PROCEDURES) as ProcedurePath[]) {
    const { kind, caller, output } = PROCEDURES[path];
    const schema = jsonSchemaOf(output, "output") as Schema;
    const defs = schema.$defs ?? {};
    for (const [name, def] of Object.entries(defs)) {
      if (isNamedShape(def)) shared.set(name, { schema: def, defs });
    }
    const top = typeOf(schema, defs);
    lines.push(`#### \`${path}\` (${kind}, ${caller})`, "");
    if (top !== "object") lines.push(`Answers: ${top}.`, "");
    lines.push(...table(rowsOf(schema, defs, "")), "");
  }
  for (const [name, { schema, defs }] of [...shared].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`#### ${name}`, "", ...table(rowsOf(schema, defs, "")), "");
  }
  lines.push(API_FIELDS_END);
  return lines.join("\n");
};

/** `doc` with its generated part replaced by `rendered`; null when the markers are missing. */
export const withApiFields = (doc: string, rendered: string): string | null => {
  const begin = doc.indexOf(API_FIELDS_BEGIN);
  const end = doc.indexOf(API_FIELDS_END);
  if (begin < 0 || end < begin) return null;
  return `${doc.slice(0, begin)}${rendered}${doc.slice(end + API_FIELDS_END.length)}`;
};
