#!/usr/bin/env node
// The `customer-panel` command. The workspace packages are TypeScript sources (they are
// built only when published), so the command runs them through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
