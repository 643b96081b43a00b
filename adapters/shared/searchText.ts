// Catalog search semantics shared by every engine: user text becomes a list of plain words, so no
// search syntax (quotes, `*`, `-`, NEAR, AND, parentheses) ever reaches an engine, and the memory
// store and SQLite FTS5 (unicode61, remove_diacritics 2) agree on what a word is.
import { InvalidInput } from "../../core/errors.ts";

/** Words beyond this many are ignored (a bound on query cost; real queries have a handful). */
export const SEARCH_TOKENS_MAX = 32;
/** Default and largest `limit` of a search. */
export const SEARCH_LIMIT_DEFAULT = 20;
export const SEARCH_LIMIT_MAX = 1000;

const WORD = /[\p{L}\p{N}]+/gu;
const MARK = /\p{M}/gu;

/** Lower-cased, diacritic-free words of `text`, in order, duplicates kept. */
export function words(text: string): string[] {
  return text.toLowerCase().normalize("NFD").replace(MARK, "").match(WORD) ?? [];
}

/** The distinct words of a query, at most SEARCH_TOKENS_MAX; an empty list means "match nothing". */
export function queryTokens(text: string): string[] {
  if (typeof text !== "string") return [];
  return [...new Set(words(text))].slice(0, SEARCH_TOKENS_MAX);
}

/** An FTS5 MATCH expression: every token as a quoted string (implicit AND), never an operator. */
export function fts5Query(tokens: readonly string[]): string {
  return tokens.map((t) => `"${t.replaceAll('"', '""')}"`).join(" ");
}

/** The result bound of a search: a positive integer up to SEARCH_LIMIT_MAX, default SEARCH_LIMIT_DEFAULT. */
export function searchLimit(limit: number | undefined): number {
  if (limit === undefined) return SEARCH_LIMIT_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX)
    throw new InvalidInput({ field: "limit", message: `limit must be an integer in 1..${SEARCH_LIMIT_MAX}, got ${String(limit)}` });
  return limit;
}
