// Review: the page image beside the fields; a field's box is drawn on the page while the field is
// hovered or focused; low-confidence fields and failed checks stand out; every field is corrected
// in place (the API's PATCH rules and messages), and the invoice approved, read again or deleted.
import { follow, get, jobOver, send } from "./api.js";
import { t } from "./i18n.js";
import { reviewReasons } from "./inbox.js";

const FIELDS = [
  "vendor",
  "vendor_tax_id",
  "vendor_address",
  "buyer",
  "buyer_tax_id",
  "invoice_number",
  "invoice_date",
  "due_date",
  "currency",
  "subtotal",
  "tax_amount",
  "discount_amount",
  "shipping_amount",
  "total_amount",
];
const PAYMENT_FIELDS = [
  "iban",
  "bic",
  "account_holder",
  "bank_name",
  "account_number",
  "bank_code",
  "bank_code_type",
  "payment_reference",
  "payment_terms",
  "payment_terms_days",
  "cash_discount_percent",
  "cash_discount_days",
  "cash_discount_amount",
  "purchase_order",
];
const DATES = new Set(["invoice_date", "due_date"]);
const AMOUNTS = new Set([
  "subtotal",
  "tax_amount",
  "discount_amount",
  "shipping_amount",
  "total_amount",
  "cash_discount_percent",
  "cash_discount_amount",
]);
/** Fields the API takes as whole numbers. */
const DAYS = new Set(["payment_terms_days", "cash_discount_days"]);
/** Below this confidence a field asks to be checked. */
const UNSURE = 0.8;

export class Review {
  constructor(root, { onBack, onChanged, onDeleted }) {
    this.root = root;
    this.onBack = onBack;
    this.onChanged = onChanged;
    this.onDeleted = onDeleted;
    this.ids = [];
    this.invoice = null;
    root.querySelector("#back").addEventListener("click", () => this.onBack());
    root.querySelector("#previous").addEventListener("click", () => this.step(-1));
    root.querySelector("#next").addEventListener("click", () => this.step(1));
    root.querySelector("#approve").addEventListener("click", () => this.approve());
    root.querySelector("#reprocess").addEventListener("click", () => this.reprocess());
    root.querySelector("#delete").addEventListener("click", () => this.remove());
    root.querySelector("#add-item").addEventListener("click", () => this.addItem());
    root.querySelector("#webhook-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendWebhook(event.target);
    });
    root.querySelector("#approve-s3").addEventListener("click", () => this.approveToS3());
    get("/").then((info) => {
      root.querySelector("#approve-s3").hidden = !info.features?.s3;
    });
    root.querySelector("#save-items").addEventListener("click", () => this.saveItems());
    document.addEventListener("keydown", (event) => this.key(event));
  }

  /** Show the invoice ``id`` (``ids``: the list it was opened from); false when it cannot be read. */
  async open(id, ids) {
    this.ids = ids ?? this.ids;
    try {
      this.invoice = await get(`/api/v2/invoices/${encodeURIComponent(id)}`);
    } catch (error) {
      this.say(error.message, true);
      return false;
    }
    this.render();
    return true;
  }

  /** j/k/n/a/Escape outside a text box; with Alt they work inside one too, so a person correcting
   * a field can go on to the next field to check without leaving the keyboard. */
  key(event) {
    if (this.root.hidden || event.ctrlKey || event.metaKey) return;
    const typing = event.target.matches("input, textarea, select");
    if (typing && !event.altKey && event.key !== "Escape") return;
    const actions = { j: () => this.step(1), k: () => this.step(-1), a: () => this.approve(), n: () => this.nextToCheck(), Escape: () => this.onBack() };
    const action = actions[event.code?.startsWith("Key") ? event.code.slice(3).toLowerCase() : event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  step(by) {
    const at = this.ids.indexOf(this.invoice.id) + by;
    if (at >= 0 && at < this.ids.length) this.open(this.ids[at]);
  }

  /** Focus the next field asking to be checked after the one in focus (in page order), round. */
  nextToCheck() {
    const flagged = [...this.root.querySelectorAll(".field.check input")];
    if (!flagged.length) return;
    const here = document.activeElement;
    const after = flagged.find((input) => here.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_FOLLOWING);
    (after ?? flagged[0]).focus();
  }

  say(text, isError = false) {
    const line = this.root.querySelector("#review-status");
    line.textContent = text;
    line.classList.toggle("error", isError);
  }

  /** The whole view of a newly opened invoice, its pages included. */
  render() {
    this.renderPages();
    this.root.querySelector("#delivery-status").replaceChildren();
    this.refresh();
  }

  /** Everything but the page images, after a change; the focused field keeps the focus. */
  refresh() {
    const invoice = this.invoice;
    const focused = document.activeElement?.closest("#review") ? document.activeElement.id : null;
    this.root.querySelector("#review-title").textContent = invoice.file_name || invoice.id;
    const reasons = reviewReasons(invoice, { all: true });
    const reasonList = this.root.querySelector("#reasons");
    reasonList.replaceChildren(...reasons.map((reason) => Object.assign(document.createElement("li"), { textContent: reason })));
    reasonList.hidden = !reasons.length;
    this.root.querySelector("#review-state").textContent = t(`status.${invoice.status}`);
    this.root.querySelector("#review-state").className = `status ${invoice.status}`;
    this.renderFields();
    this.renderItems();
    this.root.querySelector("#save-items").disabled = true;
    this.say("");
    if (focused) document.getElementById(focused)?.focus();
  }

  renderPages() {
    const pages = this.root.querySelector("#pages");
    for (const image of pages.querySelectorAll("img")) URL.revokeObjectURL(image.src);
    pages.replaceChildren();
    if (!this.invoice.pages || ["xml", "ocr_json", "ocr_text"].includes(this.invoice.input_format)) {
      pages.append(Object.assign(document.createElement("p"), { textContent: t("noPage") }));
      return;
    }
    for (let n = 1; n <= this.invoice.pages; n += 1) {
      const figure = document.createElement("figure");
      figure.className = "page";
      figure.dataset.page = String(n);
      const image = document.createElement("img");
      image.alt = t("page", { n });
      const mark = document.createElement("div");
      mark.className = "mark";
      mark.hidden = true;
      figure.append(image, mark);
      pages.append(figure);
      this.loadPage(this.invoice.id, n, figure, image);
    }
  }

  async loadPage(id, n, figure, image) {
    const response = await fetch(`/api/v2/invoices/${encodeURIComponent(id)}/pages/${n}?width=1000`, {
      credentials: "same-origin",
    });
    if (!response.ok) {
      figure.replaceChildren(Object.assign(document.createElement("p"), { textContent: t("noPage") }));
      return;
    }
    if (this.invoice?.id !== id) return; // another invoice was opened meanwhile
    figure.dataset.points = (response.headers.get("X-Page-Size") || "595").split(" ")[0];
    image.src = URL.createObjectURL(await response.blob());
  }

  /** Draw ``box`` (PDF points from the page's top left) over its page image, or nothing. */
  show(box) {
    for (const mark of this.root.querySelectorAll(".page .mark")) mark.hidden = true;
    if (!box) return;
    const figure = this.root.querySelector(`.page[data-page="${box.page}"]`);
    const image = figure?.querySelector("img");
    if (!image || !image.complete || !figure.dataset.points) return;
    const scale = image.clientWidth / Number(figure.dataset.points); // displayed pixels per point
    const mark = figure.querySelector(".mark");
    Object.assign(mark.style, {
      left: `${image.offsetLeft + box.x0 * scale - 3}px`,
      top: `${image.offsetTop + box.top * scale - 3}px`,
      width: `${(box.x1 - box.x0) * scale + 6}px`,
      height: `${(box.bottom - box.top) * scale + 6}px`,
    });
    mark.hidden = false;
    mark.scrollIntoView({ block: "nearest" });
  }

  renderFields() {
    this.root.querySelector("#fields").replaceChildren(...FIELDS.map((name) => this.field(name)));
    this.root.querySelector("#payment-fields").replaceChildren(...PAYMENT_FIELDS.map((name) => this.field(name)));
    const codes = this.root.querySelector("#codes");
    const kinds = (this.invoice.codes ?? []).map((code) => t(`code.${code.kind}`));
    codes.textContent = kinds.length ? t("readFromCode", { codes: kinds.join(", ") }) : "";
    codes.hidden = !kinds.length;
  }

  field(name) {
    const invoice = this.invoice;
    const confidence = invoice.confidence?.[name];
    const wrapper = document.createElement("div");
    wrapper.className = "field";
    const needed = ["vendor", "invoice_number", "invoice_date", "total_amount"].includes(name);
    if ((confidence !== undefined && confidence < UNSURE) || (needed && invoice[name] === null)) wrapper.classList.add("check");
    const id = `field-${name}`;
    const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: t(`field.${name}`) });
    const input = document.createElement("input");
    input.id = id;
    input.name = name;
    input.value = invoice[name] ?? "";
    input.autocomplete = "off";
    if (DATES.has(name)) input.type = "date";
    if (AMOUNTS.has(name)) input.inputMode = "decimal";
    if (DAYS.has(name)) input.inputMode = "numeric";
    if (name === "bank_code_type") input.setAttribute("list", "bank-code-types");
    const hint = document.createElement("span");
    hint.className = "hint";
    hint.id = `${id}-hint`;
    input.setAttribute("aria-describedby", hint.id);
    if (confidence !== undefined) hint.textContent = t("confidence", { value: Math.round(confidence * 100) + " %" });
    if (wrapper.classList.contains("check")) hint.textContent = `${t("lowConfidence")}. ${hint.textContent}`;
    const box = invoice.sources?.[name];
    for (const event of ["mouseenter", "focus"]) input.addEventListener(event, () => this.show(box));
    wrapper.addEventListener("mouseenter", () => this.show(box));
    input.addEventListener("change", () => this.correct(name, input, hint));
    wrapper.append(label, input, hint);
    return wrapper;
  }

  async correct(name, input, hint) {
    const text = input.value.trim();
    const value = text === "" ? null : DAYS.has(name) && /^\d+$/.test(text) ? Number(text) : text;
    try {
      this.invoice = await send("PATCH", `/api/v2/invoices/${encodeURIComponent(this.invoice.id)}/fields/${name}`, { value });
      input.removeAttribute("aria-invalid");
      this.refresh();
      this.say(t("saved"));
      this.onChanged();
    } catch (error) {
      input.setAttribute("aria-invalid", "true");
      hint.textContent = error.message;
      this.say(error.message, true);
    }
  }

  renderItems() {
    const body = this.root.querySelector("#items tbody");
    this.items = structuredClone(this.invoice.line_items ?? []);
    body.replaceChildren(...this.items.map((item, index) => this.itemRow(item, index)));
  }

  itemRow(item, index) {
    const tr = document.createElement("tr");
    for (const [name, label] of [
      ["description", "description"],
      ["quantity", "quantity"],
      ["unit_price", "unitPrice"],
      ["amount", "amount"],
    ]) {
      const td = document.createElement("td");
      const input = document.createElement("input");
      input.value = item[name] ?? "";
      input.setAttribute("aria-label", `${t(label)} ${index + 1}`);
      if (name !== "description") {
        input.inputMode = "decimal";
        input.className = "num";
        input.size = 8;
      }
      input.addEventListener("input", () => {
        item[name] = input.value.trim() === "" ? null : input.value.trim();
        this.root.querySelector("#save-items").disabled = false;
      });
      input.addEventListener("focus", () => this.show(item.source));
      td.append(input);
      tr.append(td);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = "×";
    remove.setAttribute("aria-label", `${t("removeItem")} ${index + 1}`);
    remove.addEventListener("click", () => {
      this.items.splice(this.items.indexOf(item), 1);
      tr.remove();
      this.root.querySelector("#save-items").disabled = false;
    });
    const actions = document.createElement("td");
    actions.append(remove);
    tr.append(actions);
    tr.addEventListener("mouseenter", () => this.show(item.source));
    return tr;
  }

  addItem() {
    const item = { description: null, quantity: null, unit_price: null, amount: null, source: null };
    this.items.push(item);
    const row = this.itemRow(item, this.items.length - 1);
    this.root.querySelector("#items tbody").append(row);
    row.querySelector("input").focus();
  }

  async saveItems() {
    try {
      const path = `/api/v2/invoices/${encodeURIComponent(this.invoice.id)}/fields/line_items`;
      this.invoice = await send("PATCH", path, { value: this.items });
      this.refresh();
      this.say(t("saved"));
      this.onChanged();
    } catch (error) {
      this.say(error.message, true);
    }
  }

  async approve() {
    const original = this.invoice.possible_duplicate;
    if (original && !window.confirm(t("confirmDuplicate", { id: original }))) return;
    try {
      await send("POST", `/api/v2/invoices/${encodeURIComponent(this.invoice.id)}/approve`);
      this.invoice = await get(`/api/v2/invoices/${encodeURIComponent(this.invoice.id)}`);
      this.refresh();
      this.say(t("approved"));
      this.onChanged();
    } catch (error) {
      this.say(error.message, true);
    }
  }

  /** Follow a delivery or job of the invoice on view; stops when another is opened. */
  follow(url, settled, show) {
    const id = this.invoice.id;
    return follow(url, settled, show, () => this.invoice?.id === id && !this.root.hidden);
  }

  async sendWebhook(form) {
    const status = this.root.querySelector("#delivery-status");
    const fields = Object.fromEntries(new FormData(form));
    const body = { url: fields.url, ...(fields.secret ? { secret: fields.secret } : {}) };
    form.elements.secret.value = "";
    status.classList.remove("error");
    try {
      const accepted = await send("POST", `/api/v2/invoices/${encodeURIComponent(this.invoice.id)}/webhook`, body);
      const delivery = await this.follow(
        accepted.status_url,
        (answer) => answer.status === "delivered" || answer.status === "failed",
        (answer) => (status.textContent = t(`delivery.${answer.status}`, { attempts: answer.attempts.length })),
      );
      if (delivery?.status === "failed") status.classList.add("error");
    } catch (error) {
      status.classList.add("error");
      status.textContent = error.message;
    }
  }

  async approveToS3() {
    const status = this.root.querySelector("#delivery-status");
    status.classList.remove("error");
    try {
      const accepted = await send("POST", `/api/v2/invoices/${encodeURIComponent(this.invoice.id)}/approve?delivery=s3`);
      const job = await this.follow(
        accepted.status_url,
        jobOver,
        (answer) => (status.textContent = t(`job.${answer.status}`)),
      );
      if (!job) return;
      if (job.status === "failed") throw new Error(job.error);
      status.replaceChildren(
        Object.assign(document.createElement("a"), { href: job.result.url, textContent: t("s3Link") }),
      );
      this.invoice = await get(`/api/v2/invoices/${encodeURIComponent(this.invoice.id)}`);
      this.root.querySelector("#review-state").textContent = t(`status.${this.invoice.status}`);
      this.onChanged();
    } catch (error) {
      status.classList.add("error");
      status.textContent = error.message;
    }
  }

  async reprocess() {
    try {
      this.invoice = await send("POST", `/api/v2/invoices/${encodeURIComponent(this.invoice.id)}/reprocess`);
      this.refresh();
      this.onChanged();
    } catch (error) {
      this.say(error.message, true);
    }
  }

  /** Delete with a few seconds to undo: the invoice leaves the view at once and the session when
   * the time is up (or when the page is left). */
  remove() {
    const id = this.invoice.id;
    this.ids = this.ids.filter((other) => other !== id);
    this.onDeleted(id);
    this.onBack();
  }
}
