import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase } from "../src/database.js";

/**
 * Issue 14: a damaged PGlite folder failed to start with an opaque `RuntimeError: Aborted()`,
 * or started and then answered 500 to everything. Start-up now checks the folder and fails
 * with an error that names it; a healthy folder opens as before.
 */

let pristine: string;
const made: string[] = [];

/** A copy of the migrated folder, to damage. */
const copyOfPristine = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "panel-damaged-"));
  made.push(dir);
  fs.cpSync(pristine, dir, { recursive: true });
  return dir;
};

/** The database folder of the panel (the largest `base/<oid>`: template databases are smaller). */
const panelDatabaseDir = (dir: string) => {
  const base = path.join(dir, "base");
  const sizeOf = (d: string) =>
    fs.readdirSync(d).reduce((sum, f) => sum + fs.statSync(path.join(d, f)).size, 0);
  const dirs = fs.readdirSync(base).map((d) => path.join(base, d));
  return dirs.sort((a, b) => sizeOf(b) - sizeOf(a))[0] as string;
};

const truncateToHalf = (file: string) => {
  const blocks = Math.floor(fs.statSync(file).size / 8192);
  fs.truncateSync(file, Math.floor(blocks / 2) * 8192);
};

beforeAll(async () => {
  pristine = fs.mkdtempSync(path.join(os.tmpdir(), "panel-pristine-"));
  made.push(pristine);
  const database = await createDatabase({ url: pristine });
  await database.migrate();
  await database.close();
}, 60_000);

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe("a damaged PGlite folder fails at start-up with an error naming the folder", () => {
  it("a healthy folder opens and answers", async () => {
    const dir = copyOfPristine();
    const database = await createDatabase({ url: dir });
    try {
      await expect(database.db.execute("select count(*) from teams")).resolves.toBeDefined();
    } finally {
      await database.close();
    }
  });

  it.each([
    ["pg_attribute's file cut in half (it used to start, then fail every query)", "1249"],
    ["pg_class's file cut in half", "1259"],
  ])("%s", async (_label, relfilenode) => {
    const dir = copyOfPristine();
    truncateToHalf(path.join(panelDatabaseDir(dir), relfilenode));
    const opening = createDatabase({ url: dir });
    await expect(opening).rejects.toMatchObject({ code: "DATABASE_FOLDER_DAMAGED", folder: dir });
    await expect(opening).rejects.toThrow(dir);
  });

  it("garbage in global/pg_control (it used to fail with RuntimeError: Aborted())", async () => {
    const dir = copyOfPristine();
    const control = path.join(dir, "global", "pg_control");
    fs.writeFileSync(control, Buffer.alloc(fs.statSync(control).size, 0x5a));
    const opening = createDatabase({ url: dir });
    await expect(opening).rejects.toMatchObject({ code: "DATABASE_FOLDER_DAMAGED", folder: dir });
    await expect(opening).rejects.toThrow(dir);
  });
});
