// The service's API as the page uses it: JSON in and out, errors as {code, message, field}.

export class ApiError extends Error {
  constructor(status, error) {
    super(error.message);
    this.status = status;
    this.code = error.code;
    this.field = error.field ?? null;
  }
}

async function answer(response) {
  if (response.ok) {
    const type = response.headers.get("content-type") || "";
    return type.includes("application/json") ? response.json() : response;
  }
  let error = { code: "http_error", message: `${response.status} ${response.statusText}` };
  try {
    error = (await response.json()).error ?? error;
  } catch {
    // not JSON: keep the status line
  }
  throw new ApiError(response.status, error);
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
