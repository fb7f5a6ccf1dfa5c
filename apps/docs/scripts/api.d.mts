// Types of api.mjs, for the tests that import its lists.

/** A plain-text formula of the doc comments and the LaTeX it becomes. */
export type Formula = readonly [plain: string, latex: string];

/** An indented block of the doc comments (its lines, unindented) and the LaTeX it becomes. */
export type FormulaBlock = readonly [lines: readonly string[], latex: string];

/** Code spans (without their backticks), by package page. */
export const FORMULAS: Readonly<Record<string, readonly Formula[]>>;

/** Whole plain-text lines, by package page. */
export const FORMULA_LINES: Readonly<Record<string, readonly Formula[]>>;

/** Indented blocks that become display math, by package page. */
export const FORMULA_BLOCKS: Readonly<Record<string, readonly FormulaBlock[]>>;

/** The markdown of an indented block: each line indented by 4 spaces. */
export function indentedBlock(lines: readonly string[]): string;

/** Rewrites the generated API reference: index descriptions, formulas as LaTeX. */
export function polishApi(
  apiDir: string,
  packagesDir: string,
): { converted: number; missing: string[] };
