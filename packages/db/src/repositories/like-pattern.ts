/**
 * Escapes LIKE's wildcards and its escape character (backslash by default), so a
 * member typing `%` or `_` searches for those characters, not for "anything".
 */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);
