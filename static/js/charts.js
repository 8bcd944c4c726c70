// Small SVG charts drawn by the page (no library, nothing from a CDN). Values are numbers for the
// scale only; every label shows the invoice's own decimal string.
const SVG = "http://www.w3.org/2000/svg";

function element(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Horizontal bars: rows of {label, value (number), shown (text), group?}; bars are scaled against
the largest of their group (amounts in different currencies are never measured against each other). */
export function bars(title, rows) {
  const rowHeight = 26;
  const width = 560;
  const labelWidth = 190;
  const svg = element("svg", {
    viewBox: `0 0 ${width} ${Math.max(rows.length, 1) * rowHeight + 8}`,
    role: "img",
    "aria-label": title,
    class: "chart",
  });
  svg.append(element("title", {}, title));
  const largest = {};
  for (const row of rows) largest[row.group ?? ""] = Math.max(largest[row.group ?? ""] ?? 1, Math.abs(row.value));
  rows.forEach((row, index) => {
    const y = index * rowHeight + 4;
    const length = ((width - labelWidth - 130) * Math.abs(row.value)) / largest[row.group ?? ""];
    svg.append(
      element("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end", class: "chart-label" }, shortened(row.label)),
      element("rect", { x: labelWidth, y: y + 3, width: Math.max(length, 1), height: rowHeight - 8, class: "chart-bar" }),
      element("text", { x: labelWidth + length + 6, y: y + 16, class: "chart-value" }, row.shown),
    );
  });
  return svg;
}

/** A line over days: points of {label, value}, e.g. money expected to come in, cumulated. */
export function line(title, points, shownLast) {
  const width = 560;
  const height = 160;
  const svg = element("svg", { viewBox: `0 0 ${width} ${height + 24}`, role: "img", "aria-label": title, class: "chart" });
  svg.append(element("title", {}, title));
  const largest = Math.max(...points.map((point) => point.value), 1);
  const step = (width - 60) / Math.max(points.length - 1, 1);
  const path = points
    .map((point, index) => `${index ? "L" : "M"}${30 + index * step},${height - (height - 20) * (point.value / largest)}`)
    .join(" ");
  svg.append(
    element("line", { x1: 30, y1: height, x2: width - 30, y2: height, class: "chart-axis" }),
    element("path", { d: path, class: "chart-line" }),
    element("text", { x: 30, y: height + 18, class: "chart-label" }, points[0]?.label ?? ""),
    element("text", { x: width - 30, y: height + 18, "text-anchor": "end", class: "chart-label" }, points.at(-1)?.label ?? ""),
    element("text", { x: width - 30, y: 14, "text-anchor": "end", class: "chart-value" }, shownLast),
  );
  return svg;
}

function shortened(label, most = 26) {
  return label.length > most ? `${label.slice(0, most - 1)}…` : label;
}
