// For editors and `vitest` without flags: the projects are declared once, in vitest.workspace.ts.
export { default } from "./vitest.workspace";
