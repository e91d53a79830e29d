import { request } from 'undici';

export interface WebhookRequest {
  url: string;
  /** The JSON body, already rendered. */
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Extra attempts after a failure that may pass on retry (network error, timeout, 5xx, 429). */
  retries: number;
  /** Wait before retry n (1-based); default 250 ms × 2^(n-1). */
  backoffMs?: (attempt: number) => number;
  signal?: AbortSignal;
}

export interface WebhookResponse {
  status: number;
  /** The first 2 000 characters of the answer. */
  body: string;
  attempts: number;
}

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

const MAX_BODY_KEPT = 2000;

function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * POSTs a JSON body. A 2xx answer is success; 4xx (but 408/429) fails at once (retrying would not
 * help); network errors, timeouts and 5xx are retried with backoff. Never follows redirects: a
 * webhook that moved is a configuration to fix, not a place to send the alert's data blindly.
 */
export async function postWebhook(req: WebhookRequest): Promise<WebhookResponse> {
  const backoff = req.backoffMs ?? ((n: number) => 250 * 2 ** (n - 1));
  let last: WebhookError | null = null;
  for (let attempt = 1; attempt <= req.retries + 1; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, backoff(attempt - 1)));
    const timeout = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      const res = await request(req.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Vigil-playbook', ...req.headers },
        body: req.body,
        signal,
        headersTimeout: req.timeoutMs,
        bodyTimeout: req.timeoutMs,
      });
      const text = (await res.body.text()).slice(0, MAX_BODY_KEPT);
      if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, body: text, attempts: attempt };
      last = new WebhookError(`${req.url} answered HTTP ${res.statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`, attempt, res.statusCode);
      if (!retryable(res.statusCode)) throw last;
    } catch (err) {
      if (err instanceof WebhookError && !retryable(err.status ?? 500)) throw err;
      if (req.signal?.aborted) throw new WebhookError('cancelled', attempt, null);
      if (!(err instanceof WebhookError)) {
        const why = timeout.aborted ? `no answer within ${req.timeoutMs} ms` : err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
        last = new WebhookError(`${req.url}: ${why}`, attempt, null);
      }
    }
  }
  throw new WebhookError(`${last!.message} (after ${req.retries + 1} attempts)`, req.retries + 1, last!.status);
}
