/**
 * GMP severity: a CVSS-like score from 0.0 to 10.0, plus gvmd's negative specials. Buckets come
 * from the number, never from `<threat>` (older gvmd says "High" for a 9.8 that newer releases
 * call "Critical"). Thresholds: reference/connectors.md §8.
 */

export type GmpSeverityBucket = 'critical' | 'high' | 'medium' | 'low' | 'log' | 'false_positive' | 'debug' | 'error';

/** gvmd's special scores: SEVERITY_FP, SEVERITY_DEBUG, SEVERITY_ERROR. */
export const SEVERITY_FALSE_POSITIVE = -1;
export const SEVERITY_DEBUG = -2;
export const SEVERITY_ERROR = -3;

/**
 * critical >= 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9, log 0.0; -1 false positive,
 * -2 debug, -3 error. Scores come with one decimal; anything between two bands (6.95) goes to the
 * band below the next threshold, i.e. thresholds are inclusive lower bounds.
 */
export function severityBucket(score: number): GmpSeverityBucket {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  if (score === 0) return 'log';
  if (score === SEVERITY_FALSE_POSITIVE) return 'false_positive';
  if (score === SEVERITY_DEBUG) return 'debug';
  return 'error';
}

/** The console's one severity scale (connectors.md §8: GMP log = info); null for the specials, which are not findings. */
export function consoleSeverity(bucket: GmpSeverityBucket): 'info' | 'low' | 'medium' | 'high' | 'critical' | null {
  switch (bucket) {
    case 'critical':
    case 'high':
    case 'medium':
    case 'low':
      return bucket;
    case 'log':
      return 'info';
    default:
      return null;
  }
}

/**
 * gvmd's `levels` filter letters: c critical, h high, m medium, l low, g log, f false positive.
 */
export const LEVEL_LETTERS = 'chmlgf';
