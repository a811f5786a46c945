// What is wrong with a page as a reader sees it: texts over texts,
// elements beyond the page's width, charts with nothing drawn. Run by
// report_browser_test.go, which reads the object it returns.
(() => {
  const width = document.documentElement.clientWidth;
  const out = { texts: 0, charts: 0, overlaps: [], wide: [], blank: [] };
  // Every text, line by line; in a chart, each <text> element whole.
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let node, id = 0;
  while ((node = walker.nextNode())) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!text || !parent || parent.closest("script, style, title")) continue;
    const style = getComputedStyle(parent);
    if (style.display === "none" || style.visibility === "hidden") continue;
    let rects;
    if (parent.closest("svg")) {
      rects = [parent.getBoundingClientRect()];
    } else {
      range.selectNodeContents(node);
      rects = Array.from(range.getClientRects());
    }
    id++;
    for (const r of rects) {
      if (r.width > 0 && r.height > 0) boxes.push({ id, r, text: text.slice(0, 40) });
    }
  }
  out.texts = boxes.length;
  // Boxes may touch, not overlap by more than a pixel each way.
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (a.id === b.id) continue;
      const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (x > 1 && y > 1) out.overlaps.push(a.text + " | " + b.text);
    }
  }
  // The outermost of the elements too wide, not each inside it.
  const beyond = (e) => e.getBoundingClientRect().right > width + 0.5;
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (beyond(e) && !(e.parentElement && e.parentElement !== document.body && beyond(e.parentElement))) {
      out.wide.push(e.tagName + " ends at " + Math.round(r.right) + " of " + width + ": " + (e.textContent || "").trim().slice(0, 40));
    }
  }
  document.querySelectorAll("svg").forEach((svg, k) => {
    out.charts++;
    const r = svg.getBoundingClientRect();
    const marks = svg.querySelectorAll("path, line, polyline, polygon, rect, circle").length;
    if (r.width === 0 || r.height === 0 || marks === 0) {
      out.blank.push("chart " + (k + 1) + ": " + Math.round(r.width) + " × " + Math.round(r.height) + " pixels, " + marks + " marks");
    }
  });
  return out;
})()
