/** One part (file) of the XLSX package: its path in the ZIP and its XML, whole or streamed. */
export interface XlsxPart {
  readonly path: string;
  readonly xml: string | AsyncIterable<string>;
}

/**
 * An XLSX file as its parts, in the order they go into the ZIP; nothing is read until the
 * streamed part (the sheet) is iterated. The container (ZIP, deflate) is the adapter's.
 */
export interface XlsxWorkbook {
  readonly sheetName: string;
  readonly parts: readonly XlsxPart[];
}
