import { mkdir } from "node:fs/promises";
import { createDatabase, type Database, type DatabaseOptions } from "@customer-panel/db";
import type { Config } from "./config.js";

/**
 * Opens the primary database from the configuration. With DIRECT_DATABASE_URL, DATABASE_URL
 * is taken to go through a transaction pooler: LISTEN and migrations use the direct URL
 * and no statement is prepared by name.
 */
export const openPrimary = async (config: Config): Promise<Database> => {
  // A PGlite folder is made on first use, parents included.
  if (
    !/^postgres(ql)?:\/\//.test(config.DATABASE_URL) &&
    !config.DATABASE_URL.startsWith("file://")
  ) {
    await mkdir(config.DATABASE_URL, { recursive: true });
  }
  const options: DatabaseOptions = {
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    ...(config.DIRECT_DATABASE_URL !== undefined && {
      directUrl: config.DIRECT_DATABASE_URL,
      namedStatements: false,
    }),
  };
  return createDatabase(options);
};

/** Opens the read replica when READ_DATABASE_URL is set (pooled the same way), else null. */
export const openReplica = async (config: Config): Promise<Database | null> => {
  if (config.READ_DATABASE_URL === undefined) return null;
  const options: DatabaseOptions = {
    url: config.READ_DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    ...(config.DIRECT_DATABASE_URL !== undefined && { namedStatements: false }),
  };
  return createDatabase(options);
};
