// The review table: every method of the selected API with its protection badge, filters and the
// checked set that the protect step uses.

import { $ } from "./dom.js";

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

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
    + `<td><span class="badge ${b.cls}">${esc(b.text)}</span>${scopes}${cors}</td>`
    + `<td>${view.apiKeyRequired ? "Required" : '<span class="muted">—</span>'}</td></tr>`;
}

export class ReviewTable {
  constructor(onSelectionChange) {
    this.views = [];
    this.rows = [];
    this.selected = new Set();
    this.show = "all";
    this.text = "";
    this.onSelectionChange = onSelectionChange;
    const body = $("method-rows");
    body.addEventListener("click", (e) => {
      const button = e.target.closest(".path-select");
      if (button) this.selectUnder(this.views[Number(button.closest("tr").dataset.index)].path);
    });
    body.addEventListener("change", (e) => {
      if (e.target.dataset.testid !== "method-check") return;
      const tr = e.target.closest("tr");
      const key = methodKey(this.views[Number(tr.dataset.index)]);
      if (e.target.checked) this.selected.add(key); else this.selected.delete(key);
      tr.classList.toggle("checked", e.target.checked);
      this.onSelectionChange(this.selected);
    });
  }

  /** Renders all rows once; filters then only toggle `hidden`. */
  render(views, keepSelection = false) {
    this.views = views;
    if (!keepSelection) this.selected = new Set();
    const known = new Set(views.map(methodKey));
    for (const key of [...this.selected]) if (!known.has(key)) this.selected.delete(key);
    const body = $("method-rows");
    body.innerHTML = views.map((v, i) => rowHtml(v, i, this.selected.has(methodKey(v)))).join("");
    this.rows = Array.from(body.rows);
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
    let shown = 0;
    for (let i = 0; i < this.rows.length; i++) {
      const v = this.views[i];
      const open = v.protection.kind === "open";
      const visible = (this.show === "all" || (this.show === "open") === open)
        && (!needle || v.path.toLowerCase().includes(needle));
      if (this.rows[i].hidden === visible) this.rows[i].hidden = !visible;
      if (visible) shown++;
    }
    $("methods-empty").hidden = shown > 0 || this.rows.length === 0;
    return shown;
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
    this.rows.forEach((tr, i) => {
      const on = this.selected.has(methodKey(this.views[i]));
      tr.cells[0].firstElementChild.checked = on;
      tr.classList.toggle("checked", on);
    });
    this.onSelectionChange(this.selected);
  }

  clear() {
    this.views = [];
    this.rows = [];
    this.selected = new Set();
    $("method-rows").replaceChildren();
    this.onSelectionChange(this.selected);
  }
}
