// The service's API as the page uses it: JSON in and out, errors as {code, message, field}.

export class ApiError extends Error {
  constructor(status, error) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.field = error.field ?? null;
  }

  /** Throw the error a failed response carries (its JSON ``error``, else its status line). */
  static async from(response) {
    let error = { code: "http_error", message: `${response.status} ${response.statusText}` };
    try {
      error = (await response.json()).error ?? error;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(response.status, error);
  }
}

async function answer(response) {
  if (!response.ok) await ApiError.from(response);
  const type = response.headers.get("content-type") || "";
  return type.includes("application/json") ? response.json() : response;
}

export async function get(path) {
  return answer(await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } }));
}

export async function send(method, path, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  return answer(await fetch(path, options));
}

/** Upload one file with its progress (fetch cannot report upload progress; XHR can). */
export function upload(path, form, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.withCredentials = true;
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = { error: { code: "http_error", message: `${request.status} ${request.statusText}` } };
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(request.status, body.error ?? { code: "http_error", message: String(request.status) }));
    });
    request.addEventListener("error", () => reject(new ApiError(0, { code: "network_error", message: "" })));
    request.send(form);
  });
}

/** Ask ``url`` every half second until ``settled(answer)`` says the answer is final, handing each
 * answer to ``show``; gives up (null) as soon as ``wanted()`` says nobody is looking any more. */
export async function follow(url, settled, show, wanted = () => true) {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!wanted()) return null;
    const answer = await get(url);
    show(answer);
    if (settled(answer)) return answer;
  }
}

/** A job (S3 upload, mailbox pull) is over. */
export const jobOver = (job) => job.status === "finished" || job.status === "failed";

/** Save a response's body as the file it names (Content-Disposition), without leaving the page. */
export async function save(response, fallbackName) {
  const disposition = response.headers.get("Content-Disposition") || "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(await response.blob()), download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
