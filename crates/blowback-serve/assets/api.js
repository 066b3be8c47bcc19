// @ts-check
// The JSON API of `blowback serve`: every error is `{"error", "field"}` with a 4xx or 5xx status.

/** A refused or failed request, with the field the server named. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string | null} field
   */
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

/**
 * GET `path`, or POST `body` to it as JSON; the parsed answer.
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function request(path, body) {
  /** @type {RequestInit} */
  const init = body === undefined
    ? { headers: { accept: 'application/json' } }
    : { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    // A non-JSON body is reported below by its HTTP status.
  }
  if (!response.ok || payload == null) {
    throw new ApiError(response.status, payload?.error ?? `${response.status} ${response.statusText}`, payload?.field ?? null);
  }
  return payload;
}

/**
 * A loader that runs once, however often it is called; a failure lets the next call try again.
 * Panels that need their own request fetch it once, when first shown.
 * @template T
 * @param {() => Promise<T>} load
 * @returns {() => Promise<T>}
 */
export function once(load) {
  /** @type {Promise<T> | null} */
  let promise = null;
  return () => {
    promise ??= load().catch((error) => {
      promise = null;
      throw error;
    });
    return promise;
  };
}
