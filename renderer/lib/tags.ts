import { AlertTag } from '../../main/contract/alerts.js';

/**
 * Tags typed by an analyst ("Phishing, ticket-42 ioc:x"): split on commas and spaces, each checked
 * with the contract's rule and lower-cased; the first refused one comes back with the reason.
 */
export function parseTags(text: string): { tags: string[]; error: null } | { tags: null; error: string } {
  const tags: string[] = [];
  for (const word of text.split(/[\s,]+/).filter(Boolean)) {
    const t = AlertTag.safeParse(word);
    if (!t.success) return { tags: null, error: `"${word}": ${t.error.issues[0]?.message ?? 'not a tag'}` };
    if (!tags.includes(t.data)) tags.push(t.data);
  }
  return { tags, error: null };
}
