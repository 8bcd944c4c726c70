// The inbox: uploads with a progress bar and an outcome per file (errors stay), and the session's
// invoices, searched, filtered, sorted and paged by the API's keyset cursor.
import { get, send, upload } from "./api.js";
import { money, t } from "./i18n.js";

const PAGE = 100;
/** Seconds a deleted invoice can still be brought back. */
const UNDO_SECONDS = 8;
const REVIEW_WARNINGS = ["totals_mismatch", "line_items_mismatch", "qr_text_mismatch"];
/** Warnings that do not stop an invoice but name a value to check (the review page shows them). */
const CHECK_WARNINGS = ["tax_id_invalid", "iban_invalid", "bic_invalid"];
const REQUIRED = ["vendor", "invoice_number", "invoice_date", "total_amount"];

/** Why ``invoice`` needs a look: missing fields, failed checks, a possible duplicate; with
 * ``all``, also the ids that fail their check digits. */
export function reviewReasons(invoice, { all = false } = {}) {
  const reasons = REQUIRED.filter((name) => invoice[name] === null).map((name) =>
    t("reason.missing", { field: t(`field.${name}`) }),
  );
  const shown = all ? [...REVIEW_WARNINGS, ...CHECK_WARNINGS] : REVIEW_WARNINGS;
  for (const warning of invoice.warnings ?? []) {
    if (shown.includes(warning.code) && !reasons.includes(t(`reason.${warning.code}`))) {
      reasons.push(t(`reason.${warning.code}`));
    }
  }
  if (invoice.possible_duplicate) reasons.push(t("reason.duplicate", { id: invoice.possible_duplicate }));
  return reasons;
}

export class Inbox {
  constructor(root, { onOpen }) {
    this.root = root;
    this.onOpen = onOpen;
    this.items = [];
    this.cursor = null;
    this.total = 0;
    this.form = root.querySelector("#filters");
    this.rows = root.querySelector("#invoices tbody");
    this.count = root.querySelector("#count");
    this.more = root.querySelector("#more");
    this.uploads = root.querySelector("#uploads");
    this.form.addEventListener("input", () => this.reloadSoon());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.reload();
    });
    this.more.addEventListener("click", () => this.load());
    const input = root.querySelector("#files");
    input.addEventListener("change", () => {
      this.uploadAll([...input.files]);
      input.value = "";
    });
    // files dropped beside the drop zone are uploaded too, rather than opened by the browser
    for (const name of ["dragover", "drop"]) {
      document.addEventListener(name, (event) => {
        if (!event.dataTransfer?.types.includes("Files") || event.defaultPrevented) return;
        event.preventDefault();
        if (name === "drop" && !this.root.hidden) this.uploadAll([...event.dataTransfer.files]);
      });
    }
    const drop = root.querySelector("#drop");
    drop.addEventListener("dragover", (event) => {
      event.preventDefault();
      drop.classList.add("over");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      drop.classList.remove("over");
      this.uploadAll([...event.dataTransfer.files]);
    });
  }

  query() {
    const parameters = new URLSearchParams();
    for (const [name, value] of new FormData(this.form)) if (value) parameters.set(name, value);
    parameters.set("limit", String(PAGE));
    return parameters;
  }

  reloadSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), 250);
  }

  async reload() {
    await this.load({ fresh: true });
  }

  /** The next page of the list, or (``fresh``) its first page anew. An answer that arrives after
   * a newer request was made is dropped, so quick typing in the filters never mixes two lists. */
  async load({ fresh = false } = {}) {
    const request = (this.request ?? 0) + 1;
    this.request = request;
    const parameters = this.query();
    if (!fresh && this.cursor) parameters.set("cursor", this.cursor);
    let page;
    try {
      page = await get(`/api/v2/invoices?${parameters}`);
    } catch (error) {
      if (request !== this.request) return;
      this.count.textContent = t("listError", { message: error.message });
      this.count.classList.add("error");
      return;
    }
    if (request !== this.request) return;
    const started = performance.now();
    delete this.root.dataset.renderMs;
    if (fresh) this.items = [];
    this.items.push(...page.items);
    this.cursor = page.next_cursor;
    this.total = page.total;
    this.render();
    // measured when the browser has painted the frame holding the new rows
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.root.dataset.renderMs = (performance.now() - started).toFixed(1);
      }),
    );
  }

  /** Take an invoice out of the list now and delete it after UNDO_SECONDS unless undone. */
  deleteLater(id) {
    const invoice = this.items.find((item) => item.id === id);
    this.items = this.items.filter((item) => item.id !== id);
    this.total -= 1;
    this.render();
    const notice = this.root.querySelector("#undo");
    const finish = () => {
      clearTimeout(this.pendingDelete?.timer);
      this.pendingDelete = null;
      notice.hidden = true;
    };
    this.flushDelete();
    const timer = setTimeout(() => {
      finish();
      send("DELETE", `/api/v2/invoices/${encodeURIComponent(id)}`).finally(() => this.reload());
    }, UNDO_SECONDS * 1000);
    this.pendingDelete = { id, timer };
    notice.querySelector("span").textContent = t("deleted", { name: invoice?.file_name || id });
    notice.querySelector("button").onclick = () => {
      finish();
      this.reload();
      this.root.querySelector(`tr[data-id="${id}"] button`)?.focus();
    };
    notice.hidden = false;
    notice.querySelector("button").focus();
  }

  /** Carry out a delete still waiting for its undo (the page is being left, or another follows). */
  flushDelete() {
    if (!this.pendingDelete) return;
    clearTimeout(this.pendingDelete.timer);
    fetch(`/api/v2/invoices/${encodeURIComponent(this.pendingDelete.id)}`, {
      method: "DELETE",
      credentials: "same-origin",
      keepalive: true,
    });
    this.pendingDelete = null;
  }

  render() {
    const waiting = this.pendingDelete?.id;
    const shown = this.items.filter((invoice) => invoice.id !== waiting);
    const total = this.total - (this.items.length - shown.length); // a reload brings back the invoice waiting to go
    const fragment = document.createDocumentFragment();
    for (const invoice of shown) fragment.append(this.row(invoice));
    this.rows.replaceChildren(fragment);
    this.count.classList.remove("error");
    this.count.textContent = shown.length ? t("shown", { shown: shown.length, total }) : t("none");
    this.more.hidden = !this.cursor;
  }

  row(invoice) {
    const tr = document.createElement("tr");
    tr.dataset.id = invoice.id;
    const open = document.createElement("button");
    open.type = "button";
    open.className = "link";
    open.textContent = invoice.file_name || invoice.id;
    open.addEventListener("click", () => this.onOpen(invoice.id, this.items.map((item) => item.id)));
    const first = document.createElement("td");
    first.append(open);
    const status = cell(t(`status.${invoice.status}`));
    status.className = `status ${invoice.status}`;
    tr.append(
      first,
      cell(invoice.vendor),
      cell(invoice.invoice_number),
      cell(invoice.invoice_date),
      cell(money(invoice.total_amount, invoice.currency), "num"),
      status,
      cell(reviewReasons(invoice).join("; ")),
    );
    return tr;
  }

  async uploadAll(files) {
    let failed = 0;
    for (const file of files) failed += (await this.uploadOne(file)) ? 0 : 1;
    this.root.querySelector("#upload-summary").textContent = t("uploadSummary", {
      files: files.length,
      read: files.length - failed,
      failed,
    });
    await this.reload();
  }

  /** Upload one file with its own line in the list of uploads; whether all of it was read. */
  async uploadOne(file) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    bar.setAttribute("aria-label", file.name);
    const outcome = document.createElement("span");
    outcome.className = "outcome";
    outcome.textContent = t("reading");
    item.append(name, bar, outcome);
    this.uploads.prepend(item);
    const form = new FormData();
    // archives and e-mails go to the bulk upload, which reads every invoice inside
    const isZip = /\.zip$/i.test(file.name) || /zip/.test(file.type);
    const isContainer = isZip || /\.eml$/i.test(file.name) || file.type === "message/rfc822";
    form.append(isZip ? "zip" : isContainer ? "files" : "file", file);
    const path = isContainer ? "/api/v2/invoices/bulk" : "/api/v2/invoices/parse";
    let ok = true;
    try {
      const body = await upload(path, form, (share) => {
        bar.value = share;
      });
      bar.value = 1;
      if (isContainer) {
        const failed = body.results.filter((result) => result.error);
        outcome.textContent = t("readInside", { parsed: body.results.length - failed.length, failed: failed.length });
        if (failed.length) {
          ok = false;
          item.classList.add("error");
          const list = document.createElement("ul");
          for (const result of failed) {
            const entry = document.createElement("li");
            entry.textContent = `${result.file_name}: ${result.error.message}`;
            list.append(entry);
          }
          item.append(list);
        }
      } else {
        outcome.textContent = t("read");
      }
    } catch (error) {
      ok = false;
      item.classList.add("error");
      outcome.textContent = `${t("failedUpload")}: ${error.message || t("networkError")}`;
    }
    return ok;
  }
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "—";
  if (className) td.className = className;
  return td;
}
