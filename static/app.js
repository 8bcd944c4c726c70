"use strict";
// A plain page over the public API: upload PDFs, list the session's invoices, delete one.
const api = (path, options = {}) => fetch(path, { credentials: "same-origin", ...options });
const statusLine = document.getElementById("status");
const rows = document.querySelector("#invoices tbody");

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text ?? "—";
  if (className) td.className = className;
  return td;
}

async function refresh() {
  const response = await api("/api/v2/invoices?limit=500");
  const page = await response.json();
  rows.replaceChildren(...page.items.map((invoice) => {
    const tr = document.createElement("tr");
    tr.append(
      cell(invoice.file_name), cell(invoice.vendor), cell(invoice.invoice_number),
      cell(invoice.invoice_date), cell(invoice.total_amount, "num"), cell(invoice.currency),
      cell(invoice.status.replace("_", " "), invoice.status),
    );
    const remove = document.createElement("button");
    remove.textContent = "Delete";
    remove.addEventListener("click", async () => {
      await api(`/api/v2/invoices/${invoice.id}`, { method: "DELETE" });
      refresh();
    });
    const actions = document.createElement("td");
    actions.append(remove);
    tr.append(actions);
    return tr;
  }));
}

async function uploadAll(files) {
  let done = 0;
  for (const file of files) {
    statusLine.className = "";
    statusLine.textContent = `Reading ${file.name} (${done + 1} of ${files.length})…`;
    const form = new FormData();
    // an archive or an e-mail goes to the bulk upload, which parses every invoice inside
    const isZip = /\.zip$/i.test(file.name) || /zip/.test(file.type);
    const isContainer = isZip || /\.eml$/i.test(file.name) || file.type === "message/rfc822";
    form.append(isZip ? "zip" : isContainer ? "files" : "file", file);
    const path = isContainer ? "/api/v2/invoices/bulk" : "/api/v2/invoices/parse";
    const response = await api(path, { method: "POST", body: form });
    if (!response.ok) {
      const { error } = await response.json();
      statusLine.className = "error";
      statusLine.textContent = `${file.name}: ${error.message}`;
    } else if (isContainer) {
      const { summary } = await response.json();
      if (summary.failed) {
        statusLine.className = "error";
        statusLine.textContent = `${file.name}: ${summary.failed} of ${summary.files} file(s) inside could not be read.`;
      }
    }
    done += 1;
    await refresh();
  }
  if (statusLine.className !== "error") statusLine.textContent = `${done} file(s) read.`;
}

const drop = document.getElementById("drop");
document.getElementById("files").addEventListener("change", (event) => uploadAll([...event.target.files]));
drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  uploadAll([...event.dataTransfer.files]);
});
refresh();
