/** LIKE patterns built from a person's text: `%` and `_` in it match themselves, not "anything". */

/** `%text%` with the LIKE wildcards (and the escape character) of `text` escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}
