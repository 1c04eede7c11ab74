// Yes/no text matchers. A list as the expected value means "any of these" (the OpenAI evals
// convention for `ideal` lists).

export type Matcher = (output: string, expected: string) => boolean;

function anyOf(expected: unknown, test: (e: string) => boolean): number {
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((e) => test(typeof e === 'string' ? e : JSON.stringify(e))) ? 1 : 0;
}

// Leading and trailing whitespace is noise from tokenizers and templates, not an answer.
export const exact = (output: string, expected: unknown) =>
  anyOf(expected, (e) => output.trim() === e.trim());
export const contains = (output: string, expected: unknown) =>
  anyOf(expected, (e) => output.includes(e));
// Upper then lower case approximates Unicode full case folding (ß ~ SS, final ς ~ σ) and, unlike
// toLocaleLowerCase, does not depend on the machine's locale (a Turkish runner would fold I to ı).
const fold = (s: string) => s.toUpperCase().toLowerCase();
export const icontains = (output: string, expected: unknown) =>
  anyOf(expected, (e) => fold(output).includes(fold(e)));
export const startsWith = (output: string, expected: unknown) =>
  anyOf(expected, (e) => output.trimStart().startsWith(e.trim()));

/** Compiles a user's pattern once; the config loader calls this so a bad pattern is bad input. */
export function compileRegex(pattern: string, flags = ''): RegExp {
  return new RegExp(pattern, flags.replace(/g/g, ''));
}
