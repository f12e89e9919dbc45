// @ts-check
// The views' tabs: the one the store says is shown is selected, its panel visible. A click or
// the arrow keys are the user's choice (which wins over a view the page is restoring).

import { $, wireTabs } from "../dom.js";
import { store } from "../state.js";

export class Tabs {
  constructor() {
    wireTabs((id) => store.choose(id));
    store.on("tab", ({ focus }) => this.show(!!focus));
  }

  /** @param {boolean} focus  the shown tab takes the focus (a sweep's row opened an API) */
  show(focus) {
    for (const tab of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('[role="tab"]'))) {
      const on = tab.id === store.tab;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      $(tab.getAttribute("aria-controls") ?? "").hidden = !on;
    }
    if (focus) $(store.tab).focus();
  }
}
