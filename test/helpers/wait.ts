/** Polls `pred` until it returns something truthy (returned), failing after `ms` with `what`. */
export async function until<T>(pred: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 30_000, what = 'a condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
