// Hand on what the list shows: Excel of the current selection, a print with a preview of its
// 1-, 2- or 4-up sheets, and invoices imported from a mailbox with the pull's live progress.
import { ApiError, follow, get, jobOver, save, send } from "./api.js";
import { t } from "./i18n.js";

export class HandOn {
  constructor(root, { selection, onImported }) {
    this.root = root;
    this.selection = selection; // () => {query: URLSearchParams, ids: string[]}
    this.onImported = onImported;
    this.sheet = 1;
    root.querySelector("#excel").addEventListener("click", () => this.excel());
    root.querySelector("#excel-s3").addEventListener("click", () => this.excelToS3());
    get("/").then((info) => {
      root.querySelector("#excel-s3").hidden = !info.features?.s3;
    });
    root.querySelector("#print-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sheet = 1;
      this.preview();
    });
    root.querySelector("#sheet-previous").addEventListener("click", () => this.turn(-1));
    root.querySelector("#sheet-next").addEventListener("click", () => this.turn(1));
    root.querySelector("#print").addEventListener("click", () => this.print());
    root.querySelector("#mail-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.pull(event.target);
    });
  }

  /** The export's query: the list's filters and sort, without its paging. */
  exportQuery() {
    const query = this.selection().query;
    query.delete("limit");
    query.delete("cursor");
    return query;
  }

  say(text, isError = false) {
    const status = this.root.querySelector("#excel-status");
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  async excel() {
    this.say("");
    try {
      const response = await fetch(`/api/v2/exports/xlsx?${this.exportQuery()}`, { credentials: "same-origin" });
      if (!response.ok) await ApiError.from(response);
      await save(response, "invoices.xlsx");
    } catch (error) {
      this.say(error.message || t("networkError"), true);
    }
  }

  async excelToS3() {
    const query = this.exportQuery();
    query.set("delivery", "s3");
    this.say(t("job.queued"));
    try {
      const accepted = await get(`/api/v2/exports/xlsx?${query}`);
      const job = await follow(accepted.status_url, jobOver, (answer) => this.say(t(`job.${answer.status}`)));
      if (job.status === "failed") throw new ApiError(0, { code: job.error_code, message: job.error });
      const link = Object.assign(document.createElement("a"), { href: job.result.url, textContent: t("s3Link") });
      this.root.querySelector("#excel-status").replaceChildren(link);
    } catch (error) {
      this.say(error.message || t("networkError"), true);
    }
  }

  perPage() {
    return Number(new FormData(this.root.querySelector("#print-form")).get("per_page") || 1);
  }

  async preview() {
    const ids = this.selection().ids;
    const status = this.root.querySelector("#print-status");
    const image = this.root.querySelector("#sheet");
    if (!ids.length) {
      status.textContent = t("none");
      return;
    }
    const response = await fetch("/api/v2/print/preview", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "image/png, application/json" },
      body: JSON.stringify({ ids, per_page: this.perPage(), sheet: this.sheet, width: 600 }),
    });
    if (!response.ok) {
      status.textContent = (await response.json()).error.message;
      status.classList.add("error");
      return;
    }
    this.sheets = Number(response.headers.get("X-Sheets") || 1);
    if (image.src) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(await response.blob());
    image.alt = t("sheet", { n: this.sheet, of: this.sheets });
    image.hidden = false;
    status.classList.remove("error");
    status.textContent = t("sheet", { n: this.sheet, of: this.sheets });
    this.root.querySelector("#sheet-previous").disabled = this.sheet <= 1;
    this.root.querySelector("#sheet-next").disabled = this.sheet >= this.sheets;
    this.root.querySelector("#print").disabled = false;
  }

  turn(by) {
    this.sheet = Math.min(Math.max(1, this.sheet + by), this.sheets || 1);
    this.preview();
  }

  async print() {
    const response = await fetch("/api/v2/print", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ids: this.selection().ids, per_page: this.perPage() }),
    });
    if (!response.ok) {
      const status = this.root.querySelector("#print-status");
      status.textContent = (await response.json()).error.message;
      status.classList.add("error");
      return;
    }
    window.open(URL.createObjectURL(await response.blob()), "_blank");
  }

  async pull(form) {
    const status = this.root.querySelector("#mail-status");
    const progress = this.root.querySelector("#mail-progress");
    const fields = Object.fromEntries([...new FormData(form)].filter(([, value]) => value !== ""));
    const body = {
      protocol: fields.protocol,
      host: fields.host,
      security: fields.security,
      username: fields.username,
      folder: fields.folder || "INBOX",
      unseen_only: form.elements.unseen_only.checked,
      [fields.secret_kind === "token" ? "access_token" : "password"]: fields.secret,
    };
    if (fields.port) body.port = Number(fields.port);
    if (fields.mark) body.mark = fields.mark;
    if (fields.move_to) body.move_to = fields.move_to;
    if (fields.since) body.since = fields.since;
    form.elements.secret.value = ""; // the page keeps no password either
    status.classList.remove("error");
    status.textContent = t("mailStarting");
    progress.hidden = false;
    progress.removeAttribute("value");
    try {
      const accepted = await send("POST", "/api/v2/mail/pull", body);
      const job = await follow(accepted.status_url, jobOver, (answer) => {
        const report = answer.result ?? answer.progress;
        if (!report) return;
        progress.max = Math.max(report.messages_total, 1);
        progress.value = report.messages_scanned;
        status.textContent = t("mailProgress", {
          scanned: report.messages_scanned,
          total: report.messages_total,
          parsed: report.invoices_parsed,
        });
      });
      if (job.status === "failed") throw new ApiError(0, { code: job.error_code, message: job.error });
      const report = job.result;
      status.textContent = t("mailDone", {
        parsed: report.invoices_parsed,
        duplicates: report.duplicates,
        errors: report.errors.length,
      });
      this.onImported();
    } catch (error) {
      status.classList.add("error");
      status.textContent = error.message;
    }
  }
}
