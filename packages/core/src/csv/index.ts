/** CSV exports (R2, R3, R4, L7): encoding, the transcript file and the tag report files. */
export * from "./csv-encoding.js";
export * from "./tag-report-csv.js";
export * from "./transcript-csv.js";
