// The dashboard (totals by month and currency, top vendors, ageing, the 30-day forecast) and the
// tracking board (each invoice moved along draft → sent → viewed → paid by its buttons).
import { get, send } from "./api.js";
import { bars, line } from "./charts.js";
import { money, t } from "./i18n.js";

const STAGES = ["draft", "sent", "viewed", "paid"];

/** The session's invoices for the board, newest first, page by page along the keyset cursor. */
async function everyInvoice() {
  const invoices = [];
  let cursor = null;
  do {
    const query = new URLSearchParams({ limit: "500", sort: "-parsed", ...(cursor ? { cursor } : {}) });
    const page = await get(`/api/v2/invoices?${query}`);
    invoices.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return invoices;
}

export class Dashboard {
  constructor(root) {
    this.root = root;
  }

  async load() {
    try {
      const [stats, board, invoices] = await Promise.all([
        get("/api/v2/exports/stats"),
        get("/api/v2/tracking/dashboard"),
        everyInvoice(),
      ]);
      this.say("");
      this.renderCharts(stats, board);
      this.renderBoard(invoices);
    } catch (error) {
      this.say(error.message || t("networkError"), true);
    }
  }

  say(text, isError = false) {
    const status = this.root.querySelector("#dashboard-status");
    status.textContent = text;
    status.classList.toggle("error", isError);
  }

  renderCharts(stats, board) {
    const charts = this.root.querySelector("#charts");
    charts.replaceChildren();
    const add = (title, chart) => {
      const figure = document.createElement("figure");
      figure.append(Object.assign(document.createElement("figcaption"), { textContent: title }), chart);
      charts.append(figure);
    };
    for (const currency of Object.keys(stats.totals_by_currency)) {
      const rows = Object.entries(stats.totals_by_month)
        .filter(([, sums]) => currency in sums)
        .map(([month, sums]) => ({ label: month, value: Number(sums[currency]), shown: money(sums[currency], currency) }));
      add(t("byMonth", { currency }), bars(t("byMonth", { currency }), rows));
    }
    const vendors = stats.top_vendors.map((vendor) => {
      const [currency, total] = Object.entries(vendor.totals)[0] ?? ["", "0"];
      return { label: vendor.vendor, value: Number(total), shown: money(total, currency), group: currency };
    });
    add(t("topVendors"), bars(t("topVendors"), vendors));
    const ageing = Object.entries(board.ageing).map(([bucket, tally]) => ({
      label: t(`ageing.${bucket}`),
      value: tally.count,
      shown: String(tally.count),
    }));
    add(t("ageing"), bars(t("ageing"), ageing));
    for (const [currency, expected] of Object.entries(board.forecast.totals)) {
      let running = 0;
      const points = board.forecast.daily.map((day) => {
        running += Number(day.expected[currency] ?? 0);
        return { label: day.date, value: running };
      });
      add(t("forecast", { currency }), line(t("forecast", { currency }), points, money(expected, currency)));
    }
    if (!charts.children.length) charts.append(Object.assign(document.createElement("p"), { textContent: t("none") }));
  }

  renderBoard(invoices) {
    const board = this.root.querySelector("#board");
    board.replaceChildren(
      ...STAGES.map((stage) => {
        const column = document.createElement("section");
        column.className = "stage";
        column.setAttribute("aria-label", t(`stage.${stage}`));
        const heading = Object.assign(document.createElement("h3"), { textContent: t(`stage.${stage}`) });
        const list = document.createElement("ul");
        for (const invoice of invoices.filter((item) => item.tracking_status === stage)) list.append(this.card(invoice));
        column.append(heading, list);
        // a card dropped on a later stage moves there (the buttons do the same from the keyboard)
        column.addEventListener("dragover", (event) => {
          if (STAGES.indexOf(stage) > STAGES.indexOf(this.dragged?.tracking_status)) event.preventDefault();
        });
        column.addEventListener("drop", (event) => {
          event.preventDefault();
          if (this.dragged) this.move(this.dragged, stage);
        });
        return column;
      }),
    );
  }

  card(invoice) {
    const item = document.createElement("li");
    item.className = "card";
    item.dataset.id = invoice.id;
    const name = invoice.vendor || invoice.file_name || invoice.id;
    item.append(
      Object.assign(document.createElement("strong"), { textContent: name }),
      Object.assign(document.createElement("span"), {
        textContent: ` ${invoice.invoice_number ?? ""} · ${money(invoice.total_amount, invoice.currency)}`,
      }),
    );
    const next = STAGES[STAGES.indexOf(invoice.tracking_status) + 1];
    if (next) {
      item.draggable = true;
      item.addEventListener("dragstart", (event) => {
        this.dragged = invoice;
        event.dataTransfer.setData("text/plain", invoice.id);
      });
      item.addEventListener("dragend", () => {
        this.dragged = null;
      });
      const move = document.createElement("button");
      move.type = "button";
      move.textContent = t(`moveTo.${next}`);
      move.setAttribute("aria-label", `${t(`moveTo.${next}`)}: ${name} ${invoice.invoice_number ?? ""}`);
      move.addEventListener("click", () => this.move(invoice, next));
      item.append(move);
    }
    return item;
  }

  async move(invoice, stage) {
    try {
      await send("POST", "/api/v2/tracking/status", { invoice_id: invoice.id, status: stage });
    } catch (error) {
      this.say(error.message || t("networkError"), true);
      return;
    }
    await this.load();
    this.root.querySelector(`.card[data-id="${invoice.id}"] button, .card[data-id="${invoice.id}"]`)?.focus();
  }
}
