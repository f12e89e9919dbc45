// @ts-check
// The theme button: system, light or dark, kept between runs; the window's menu bar follows.

import * as api from "./api.js";
import { $ } from "./dom.js";

/** @param {string} theme  "auto" (follow the system), "light" or "dark" */
function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  localStorage.setItem("theme", theme);
  api.setWindowTheme(theme === "auto" ? null : /** @type {"light" | "dark"} */ (theme)).catch(() => {});
  const label = { auto: "system", light: "light", dark: "dark" }[theme];
  $("theme").textContent = { auto: "◐", light: "☀", dark: "☾" }[theme];
  $("theme").setAttribute("aria-label", `Theme: ${label}`);
  $("theme").title = `Theme: ${label} (click for light, dark, system)`;
}

/** Applies the saved theme; the button cycles light, dark, system. */
export function initTheme() {
  applyTheme(localStorage.getItem("theme") || "auto");
  $("theme").addEventListener("click", () => {
    applyTheme({ auto: "light", light: "dark", dark: "auto" }[document.documentElement.dataset.theme || "auto"]);
  });
}
