/**
 * The promise's value, or `stopped` as soon as `signal` aborts: a sleep that a stop ends early, or work
 * shared by several callers (one request answering many commits), where one caller giving up must not
 * cancel it for the others.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, stopped: T): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(stopped);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(stopped);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
