// The page: the inbox and the review of one invoice, in English or Simplified Chinese.
import { send } from "./api.js";
import { currentLanguage, setLanguage } from "./i18n.js";
import { Dashboard } from "./dashboard.js";
import { HandOn } from "./handon.js";
import { Inbox } from "./inbox.js";
import { Review } from "./review.js";

const inboxSection = document.getElementById("inbox");
const reviewSection = document.getElementById("review");
const dashboardSection = document.getElementById("dashboard");
const dashboard = new Dashboard(dashboardSection);

function showView(name) {
  inboxSection.hidden = name !== "inbox";
  reviewSection.hidden = name !== "review";
  dashboardSection.hidden = name !== "dashboard";
  document.getElementById("show-inbox").setAttribute("aria-pressed", String(name !== "dashboard"));
  document.getElementById("show-dashboard").setAttribute("aria-pressed", String(name === "dashboard"));
}

document.getElementById("show-dashboard").addEventListener("click", async () => {
  showView("dashboard");
  await dashboard.load();
});
document.getElementById("show-inbox").addEventListener("click", () => showInbox());

function showInbox() {
  showView("inbox");
  const row = inboxSection.querySelector(`tr[data-id="${review.invoice?.id}"] button`);
  (row ?? inboxSection.querySelector("#files")).focus();
}

const inbox = new Inbox(inboxSection, {
  onOpen: async (id, ids) => {
    if (!(await review.open(id, ids))) {
      await inbox.reload(); // it is gone (deleted elsewhere, or the session expired)
      return;
    }
    showView("review");
    reviewSection.querySelector("#review-title").focus();
  },
});
const review = new Review(reviewSection, {
  onBack: showInbox,
  onChanged: () => inbox.reload(),
  onDeleted: (id) => inbox.deleteLater(id),
});
window.addEventListener("pagehide", () => inbox.flushDelete());
new HandOn(document.getElementById("handon"), {
  selection: () => ({ query: inbox.query(), ids: inbox.items.map((invoice) => invoice.id) }),
  onImported: () => inbox.reload(),
});
reviewSection.querySelector("#review-title").tabIndex = -1;

const languageButton = document.getElementById("language");

function useLanguage(language) {
  setLanguage(language);
  languageButton.lang = currentLanguage() === "en" ? "zh-CN" : "en"; // it names the other language
}

languageButton.addEventListener("click", () => {
  useLanguage(currentLanguage() === "en" ? "zh" : "en");
  inbox.render();
  if (!reviewSection.hidden) review.render();
  if (!dashboardSection.hidden) dashboard.load();
});
document.getElementById("logout").addEventListener("click", async () => {
  await send("POST", "/api/v2/sessions/logout");
  await inbox.reload();
});

useLanguage(currentLanguage());
inbox.reload();
