import type { Transactions } from "@customer-panel/core/adapter";
import type { Context } from "effect";
import type { Db } from "../database.js";
import { withTransaction } from "../transaction.js";

/** Transactions on this database: the use case's port calls share one transaction. */
export const makeTransactions = (db: Db): Context.Tag.Service<typeof Transactions> => ({
  withTransaction: withTransaction(db),
});
