// The page: the inbox and the review of one invoice, in English or Simplified Chinese.
import { send } from "./api.js";
import { currentLanguage, setLanguage } from "./i18n.js";
import { HandOn } from "./handon.js";
import { Inbox } from "./inbox.js";
import { Review } from "./review.js";

const inboxSection = document.getElementById("inbox");
const reviewSection = document.getElementById("review");

function showInbox() {
  reviewSection.hidden = true;
  inboxSection.hidden = false;
  const row = inboxSection.querySelector(`tr[data-id="${review.invoice?.id}"] button`);
  (row ?? inboxSection.querySelector("#files")).focus();
}

const inbox = new Inbox(inboxSection, {
  onOpen: async (id, ids) => {
    await review.open(id, ids);
    inboxSection.hidden = true;
    reviewSection.hidden = false;
    reviewSection.querySelector("#review-title").focus();
  },
});
const review = new Review(reviewSection, { onBack: showInbox, onChanged: () => inbox.reload() });
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
});
document.getElementById("logout").addEventListener("click", async () => {
  await send("POST", "/api/v2/sessions/logout");
  await inbox.reload();
});

useLanguage(currentLanguage());
inbox.reload();
