// The page's words in English and Simplified Chinese; the invoice data itself is never translated.

const WORDS = {
  en: {
    title: "Invoices",
    skip: "Skip to the invoices",
    tagline: "Drop invoices here: PDFs, e-invoice XML, ZIPs, e-mails (.eml) and scans. They stay in this browser session only and vanish when it expires.",
    choose: "Choose files or drop them here",
    language: "中文",
    logout: "End session",
    search: "Search",
    searchPlaceholder: "Vendor, number, file, item…",
    status: "Status",
    currency: "Currency",
    source: "Source",
    from: "From",
    to: "To",
    sort: "Sort",
    any: "Any",
    "status.parsed": "Parsed",
    "status.needs_review": "Needs review",
    "status.approved": "Approved",
    "status.failed": "Failed",
    "source.upload": "Upload",
    "source.bulk": "Bulk",
    "source.email": "E-mail",
    "source.ocr": "OCR",
    "sort.-parsed": "Newest first",
    "sort.parsed": "Oldest first",
    "sort.-invoice_date": "Invoice date, newest",
    "sort.invoice_date": "Invoice date, oldest",
    "sort.-total_amount": "Total, largest",
    "sort.total_amount": "Total, smallest",
    "sort.vendor": "Vendor A–Z",
    file: "File",
    vendor: "Vendor",
    number: "Number",
    date: "Date",
    total: "Total",
    why: "Why review",
    more: "Show more",
    shown: "{shown} of {total} invoices",
    none: "No invoices yet.",
    uploads: "Uploads",
    reading: "Reading…",
    read: "Read",
    readInside: "{parsed} read, {failed} not",
    failedUpload: "Not read",
    open: "Open",
    back: "Back to the list",
    previous: "Previous",
    next: "Next",
    approve: "Approve",
    approved: "Approved.",
    reprocess: "Read again",
    remove: "Delete",
    confirmDelete: "Delete this invoice from the session?",
    save: "Save",
    saved: "Saved.",
    page: "Page {n}",
    noPage: "This invoice was read from XML or OCR output: there is no page to show.",
    fields: "Fields",
    lineItems: "Line items",
    description: "Description",
    quantity: "Quantity",
    unitPrice: "Unit price",
    amount: "Amount",
    confidence: "Confidence {value}",
    lowConfidence: "Check this value",
    keys: "Keys: j / k next / previous invoice, n next field to check, a approve, Esc back",
    "field.vendor": "Vendor",
    "field.vendor_tax_id": "Vendor tax ID",
    "field.vendor_address": "Vendor address",
    "field.buyer": "Buyer",
    "field.buyer_tax_id": "Buyer tax ID",
    "field.invoice_number": "Invoice number",
    "field.invoice_date": "Invoice date",
    "field.due_date": "Due date",
    "field.currency": "Currency",
    "field.subtotal": "Subtotal",
    "field.tax_amount": "Tax",
    "field.discount_amount": "Discount",
    "field.shipping_amount": "Shipping",
    "field.total_amount": "Total",
    "reason.missing": "{field} not found",
    "reason.totals_mismatch": "The amounts do not add up",
    "reason.line_items_mismatch": "The line items do not add up to the subtotal",
  },
  zh: {
    title: "发票",
    skip: "跳到发票",
    tagline: "将发票拖放到此处：PDF、电子发票 XML、ZIP、电子邮件（.eml）和扫描件。它们只保存在本次浏览器会话中，会话过期后即删除。",
    choose: "选择文件或拖放到此处",
    language: "English",
    logout: "结束会话",
    search: "搜索",
    searchPlaceholder: "供应商、号码、文件、项目…",
    status: "状态",
    currency: "币种",
    source: "来源",
    from: "起始日期",
    to: "截止日期",
    sort: "排序",
    any: "全部",
    "status.parsed": "已识别",
    "status.needs_review": "待复核",
    "status.approved": "已批准",
    "status.failed": "失败",
    "source.upload": "上传",
    "source.bulk": "批量",
    "source.email": "邮件",
    "source.ocr": "OCR",
    "sort.-parsed": "最新优先",
    "sort.parsed": "最早优先",
    "sort.-invoice_date": "开票日期，最新",
    "sort.invoice_date": "开票日期，最早",
    "sort.-total_amount": "总额，最大",
    "sort.total_amount": "总额，最小",
    "sort.vendor": "供应商 A–Z",
    file: "文件",
    vendor: "供应商",
    number: "号码",
    date: "日期",
    total: "总额",
    why: "复核原因",
    more: "显示更多",
    shown: "共 {total} 张发票，已显示 {shown} 张",
    none: "还没有发票。",
    uploads: "上传",
    reading: "识别中…",
    read: "已识别",
    readInside: "{parsed} 张已识别，{failed} 张未识别",
    failedUpload: "未识别",
    open: "打开",
    back: "返回列表",
    previous: "上一张",
    next: "下一张",
    approve: "批准",
    approved: "已批准。",
    reprocess: "重新识别",
    remove: "删除",
    confirmDelete: "从会话中删除这张发票？",
    save: "保存",
    saved: "已保存。",
    page: "第 {n} 页",
    noPage: "这张发票来自 XML 或 OCR 结果，没有可显示的页面。",
    fields: "字段",
    lineItems: "明细",
    description: "描述",
    quantity: "数量",
    unitPrice: "单价",
    amount: "金额",
    confidence: "置信度 {value}",
    lowConfidence: "请核对此值",
    keys: "快捷键：j / k 下一张 / 上一张，n 下一个待核对字段，a 批准，Esc 返回",
    "field.vendor": "供应商",
    "field.vendor_tax_id": "供应商税号",
    "field.vendor_address": "供应商地址",
    "field.buyer": "购买方",
    "field.buyer_tax_id": "购买方税号",
    "field.invoice_number": "发票号码",
    "field.invoice_date": "开票日期",
    "field.due_date": "到期日",
    "field.currency": "币种",
    "field.subtotal": "小计",
    "field.tax_amount": "税额",
    "field.discount_amount": "折扣",
    "field.shipping_amount": "运费",
    "field.total_amount": "总额",
    "reason.missing": "未找到{field}",
    "reason.totals_mismatch": "金额不平",
    "reason.line_items_mismatch": "明细合计与小计不符",
  },
};

let language = localStorage.getItem("language") || (navigator.language.startsWith("zh") ? "zh" : "en");

export function currentLanguage() {
  return language;
}

export function setLanguage(next) {
  language = next in WORDS ? next : "en";
  localStorage.setItem("language", language);
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  translate(document);
}

/** The word for ``key`` in the current language, with {placeholders} filled in. */
export function t(key, values = {}) {
  const text = WORDS[language][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** Fill every [data-i18n] (text), [data-i18n-placeholder] and [data-i18n-label] (aria-label) under ``root``. */
export function translate(root) {
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
  for (const element of root.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
}

/** An amount (a decimal string) with the current language's separators; the digits are the invoice's. */
export function money(amount, currency) {
  if (amount === null || amount === undefined) return "—";
  const [whole, fraction = ""] = String(amount).replace("-", "").split(".");
  const grouped = new Intl.NumberFormat(language === "zh" ? "zh-CN" : navigator.language || "en")
    .formatToParts(12345.6)
    .reduce((parts, part) => ({ ...parts, [part.type]: part.value }), {});
  const digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, grouped.group ?? ",");
  const sign = String(amount).startsWith("-") ? "−" : "";
  return `${sign}${digits}${fraction ? (grouped.decimal ?? ".") + fraction : ""}${currency ? ` ${currency}` : ""}`;
}
