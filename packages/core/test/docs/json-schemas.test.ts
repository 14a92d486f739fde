import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderApiFields, withApiFields } from "../../scripts/api-fields-doc.js";
import {
  JSON_SCHEMAS_COMMAND,
  JSON_SCHEMAS_DIR,
  jsonSchemaOf,
  readJsonSchemas,
  renderJsonSchemas,
} from "../../scripts/json-schemas.js";
import { TagApplyOutput } from "../../src/schemas/outputs.js";
import { PROCEDURES } from "../../src/schemas/procedures.js";

const root = fileURLToPath(new URL("../../../../", import.meta.url));

describe("issue 16: the JSON Schemas of every procedure are generated from the zod schemas", () => {
  it(`${JSON_SCHEMAS_DIR} is current (run \`${JSON_SCHEMAS_COMMAND}\` when this fails)`, () => {
    const committed = readJsonSchemas(join(root, JSON_SCHEMAS_DIR));
    const generated = renderJsonSchemas().sort((a, b) => a.name.localeCompare(b.name));
    expect(committed.map((f) => f.name)).toEqual(generated.map((f) => f.name));
    for (const [i, file] of generated.entries()) {
      expect(committed[i]?.text, file.name).toBe(file.text);
    }
  });

  it("has an input and an output schema for each procedure, named in index.json", () => {
    const index = renderJsonSchemas().find((f) => f.name === "index.json");
    const procedures = JSON.parse(index?.text ?? "{}").procedures;
    expect(Object.keys(procedures)).toEqual(Object.keys(PROCEDURES));
    expect(procedures["tags.apply"]).toEqual({
      kind: "mutation",
      caller: "member",
      input: "tags.apply.input.schema.json",
      output: "tags.apply.output.schema.json",
    });
  });

  it("describes a Date as the ISO string superjson puts in `json`, and refuses unknown fields", () => {
    const schema = jsonSchemaOf(TagApplyOutput, "output") as {
      oneOf: {
        properties: Record<string, { type?: string; format?: string }>;
        additionalProperties: boolean;
      }[];
    };
    const applied = schema.oneOf[0];
    expect(applied?.properties.appliedAt).toMatchObject({ type: "string", format: "date-time" });
    expect(applied?.additionalProperties).toBe(false);
  });
});

describe("issue 16: docs/api.md lists every output's fields, generated from the same schemas", () => {
  it(`its generated part is current (run \`${JSON_SCHEMAS_COMMAND}\` when this fails)`, () => {
    const doc = readFileSync(join(root, "docs/api.md"), "utf8");
    expect(withApiFields(doc, renderApiFields())).toBe(doc);
  });

  it("names every procedure, and the shared shapes it links to", () => {
    const rendered = renderApiFields();
    for (const path of Object.keys(PROCEDURES)) expect(rendered).toContain(`#### \`${path}\``);
    expect(rendered).toContain("#### Capability");
    expect(rendered).toContain("| `capabilities.viewPanel` | [Capability](#capability) |");
  });
});
