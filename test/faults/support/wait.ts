/** Polls `condition` until it holds; past `withinMs` it fails naming what it waited for. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, withinMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Gave up after ${withinMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
