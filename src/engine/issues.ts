/**
 * zod errors as sentences for people. A ZodError's own message is its issues as JSON; wherever a
 * zod error reaches the user (an import, a link's notice, the config panel, the worker refusing
 * a config, the CLI) it goes through here instead: "sampling.groupSize: Must be at least 1."
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;

/** Issues spelled out before the rest are counted. */
const MAX_SENTENCES = 5;

const sentence = (s: string): string => {
  const t = s.trim();
  return t === '' ? 'Invalid.' : /[.!?]$/.test(t) ? t : `${t}.`;
};

/** One issue's message, without its path: "Must be at least 1." */
export function issueMessage(issue: Issue): string {
  // A schema's own message (z.enum(..., { message })) is kept; zod's defaults are reworded.
  if (!/^(Too small|Too big|Invalid|Unrecognized)/.test(issue.message)) return sentence(issue.message);
  if (issue.code === 'too_small') return `Must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? ' items' : ''}.`;
  if (issue.code === 'too_big') return `Must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${issue.origin === 'string' ? ' characters long' : issue.origin === 'array' ? ' items' : ''}.`;
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'Must be a whole number.';
  if (issue.code === 'invalid_value') return issue.values.length === 1 ? `Must be ${JSON.stringify(issue.values[0])}.` : `Must be one of: ${issue.values.map(String).join(', ')}.`;
  if (issue.code === 'unrecognized_keys') return `Unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}.`;
  return sentence(issue.message);
}

/** The dotted path of an issue ('' at the top), with an optional prefix ("config"). */
export function issuePath(issue: Issue, prefix = ''): string {
  return [prefix, ...issue.path.map(String)].filter((s) => s !== '').join('.');
}

/** One issue as "path: Message." (just the message at the top level). */
export function issueSentence(issue: Issue, prefix = ''): string {
  const path = issuePath(issue, prefix);
  return path ? `${path}: ${issueMessage(issue)}` : issueMessage(issue);
}

/** Every issue as a sentence, the first few spelled out and the rest counted. */
export function zodSentences(error: z.ZodError, prefix = ''): string {
  const all = error.issues.map((i) => issueSentence(i, prefix));
  const more = all.length - MAX_SENTENCES;
  return more > 0 ? `${all.slice(0, MAX_SENTENCES).join(' ')} …and ${more} more.` : all.join(' ');
}

/** Whether a parsed value looks like zod issues (what a ZodError's message holds, also after crossing a worker boundary). */
function asIssues(x: unknown): Issue[] | null {
  if (!Array.isArray(x) || x.length === 0) return null;
  const ok = x.every((i: unknown) => typeof i === 'object' && i !== null && Array.isArray((i as Issue).path) && typeof (i as Issue).message === 'string' && typeof (i as Issue).code === 'string');
  return ok ? (x as Issue[]) : null;
}

/**
 * Any error as text for a notice: a ZodError, or an Error whose message is zod's issue JSON (a
 * worker's parse refusal arrives as a plain Error through comlink), becomes sentences.
 */
export function errorText(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (!/^\s*\[/.test(message)) return message;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return message;
  }
  const issues = asIssues(parsed);
  if (!issues) return message;
  const all = issues.map((i) => issueSentence(i));
  const more = all.length - MAX_SENTENCES;
  return more > 0 ? `${all.slice(0, MAX_SENTENCES).join(' ')} …and ${more} more.` : all.join(' ');
}

/** schema.parse, but a refusal throws an Error whose message is `what: sentences`, never zod's JSON. */
export function parseOrExplain<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new Error(`${what}: ${zodSentences(parsed.error)}`, { cause: parsed.error });
}
