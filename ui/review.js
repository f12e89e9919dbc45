// The review table: every method of the selected API with its protection badge, filters and the
// checked set that the protect step uses. Only the rows in view are in the DOM (an API can have
// thousands of methods): filters recompute a list of indices, scrolling re-renders a window.

import { $ } from "./dom.js";

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

/** Every row is this tall (CSS keeps it so), which lets the scroll position say which rows show. */
const ROW_HEIGHT = 36;
/** Rows rendered above and below the visible ones, so fast scrolling does not show gaps. */
const OVERSCAN = 12;

export const methodKey = (m) => `${m.verb} ${m.path}`;

/** The badge's text and class for a protection, so that it reads without colour. */
export function badge(view) {
  const p = view.protection;
  switch (p.kind) {
    case "open": return { cls: "badge-open", text: "Open" };
    case "iam": return { cls: "badge-iam", text: "IAM" };
    case "lambda": return { cls: "badge-lambda", text: `Lambda · ${p.authorizer}` };
    case "cognito": return { cls: "badge-cognito", text: `Cognito · ${p.authorizer}` };
    default: return { cls: "badge-other", text: p.authorizationType || view.authorizationType };
  }
}

function rowHtml(view, index, checked) {
  const b = badge(view);
  const scopes = view.protection.kind === "cognito"
    ? view.protection.scopes.map((s) => `<span class="tag scope" title="OAuth scope">${esc(s)}</span>`).join("")
    : "";
  const cors = view.isOptions ? `<span class="tag cors" title="Browsers send no token on the CORS preflight">CORS preflight</span>` : "";
  const label = `Select ${view.verb} ${view.path}`;
  return `<tr data-testid="method-row" data-index="${index}" data-path="${esc(view.path)}" data-verb="${esc(view.verb)}"`
    + ` data-protection="${esc(view.authorizationType)}" data-authorizer-name="${esc(view.authorizerName ?? "")}"${checked ? ' class="checked"' : ""}>`
    + `<td><input type="checkbox" data-testid="method-check" aria-label="${esc(label)}"${checked ? " checked" : ""}></td>`
    + `<td class="path"><button type="button" class="path-select" data-testid="select-path" title="Select ${esc(view.path)} and everything under it">${esc(view.path)}</button></td>`
    + `<td class="verb">${esc(view.verb)}</td>`
    + `<td class="protection"><span class="badge ${b.cls}">${esc(b.text)}</span>${scopes}${cors}</td>`
    + `<td>${view.apiKeyRequired ? "Required" : '<span class="muted">—</span>'}</td></tr>`;
}

export class ReviewTable {
  constructor(onSelectionChange) {
    this.views = [];
    this.shown = [];          // indices into views that pass the filters, in order
    this.range = [0, 0];      // [first, end) of `shown` currently in the DOM
    this.selected = new Set();
    this.show = "all";
    this.text = "";
    this.onSelectionChange = onSelectionChange;
    this.body = $("method-rows");
    this.scroller = this.body.closest(".table-wrap");
    this.scheduled = false;
    this.scroller.addEventListener("scroll", () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.scroller);
    this.body.addEventListener("click", (e) => {
      const button = e.target.closest(".path-select");
      if (button) this.selectUnder(this.views[Number(button.closest("tr").dataset.index)].path);
    });
    this.body.addEventListener("change", (e) => {
      if (e.target.dataset.testid !== "method-check") return;
      const tr = e.target.closest("tr");
      const key = methodKey(this.views[Number(tr.dataset.index)]);
      if (e.target.checked) this.selected.add(key); else this.selected.delete(key);
      tr.classList.toggle("checked", e.target.checked);
      this.onSelectionChange(this.selected);
    });
  }

  render(views, keepSelection = false) {
    this.views = views;
    if (!keepSelection) this.selected = new Set();
    const known = new Set(views.map(methodKey));
    for (const key of [...this.selected]) if (!known.has(key)) this.selected.delete(key);
    this.applyFilter();
    this.onSelectionChange(this.selected);
  }

  setFilter(show, text) {
    this.show = show ?? this.show;
    this.text = text ?? this.text;
    this.applyFilter();
  }

  applyFilter() {
    const needle = this.text.trim().toLowerCase();
    const shown = [];
    for (let i = 0; i < this.views.length; i++) {
      const v = this.views[i];
      const open = v.protection.kind === "open";
      if ((this.show === "all" || (this.show === "open") === open)
        && (!needle || v.path.toLowerCase().includes(needle))) shown.push(i);
    }
    this.shown = shown;
    $("methods-empty").hidden = shown.length > 0 || this.views.length === 0;
    this.scroller.scrollTop = Math.min(this.scroller.scrollTop, shown.length * ROW_HEIGHT);
    this.draw(true);
    return shown.length;
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => { this.scheduled = false; this.draw(false); });
  }

  /** Puts the rows in view (and a margin) in the DOM, with spacers standing for the rest. */
  draw(force) {
    const header = this.scroller.querySelector("thead")?.offsetHeight ?? 0;
    const top = Math.max(0, this.scroller.scrollTop - header);
    const height = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const end = Math.min(this.shown.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    if (!force && first === this.range[0] && end === this.range[1]) return;
    this.range = [first, end];
    const rows = [];
    for (let n = first; n < end; n++) {
      const i = this.shown[n];
      rows.push(rowHtml(this.views[i], i, this.selected.has(methodKey(this.views[i]))));
    }
    const above = first * ROW_HEIGHT;
    const below = (this.shown.length - end) * ROW_HEIGHT;
    const spacer = '<tr class="spacer" aria-hidden="true"><td colspan="5"></td></tr>';
    this.body.innerHTML = (above ? spacer : "") + rows.join("") + (below ? spacer : "");
    // Heights are set through the DOM: the CSP refuses inline style attributes.
    if (above) this.body.firstElementChild.style.height = `${above}px`;
    if (below) this.body.lastElementChild.style.height = `${below}px`;
  }

  /** Checks every open method except OPTIONS (they stay open for the CORS preflight). */
  selectOpenExceptOptions() {
    this.setSelection(this.views.filter((v) => v.protection.kind === "open" && !v.isOptions).map(methodKey));
  }

  /** Adds a path and everything under it (/pets takes /pets/{id}, not /petshop) to the selection. */
  selectUnder(path) {
    const base = path.replace(/\/+$/, "");
    const under = this.views.filter((v) => !base || v.path === base || v.path.startsWith(`${base}/`)).map(methodKey);
    this.setSelection([...this.selected, ...under]);
  }

  setSelection(keys) {
    this.selected = new Set(keys);
    this.draw(true);
    this.onSelectionChange(this.selected);
  }

  clear() {
    this.views = [];
    this.shown = [];
    this.selected = new Set();
    this.range = [0, 0];
    this.body.replaceChildren();
    this.onSelectionChange(this.selected);
  }
}
