// The page's colours against WCAG 2.2's contrast minimums, in every theme ui/style.css and
// ui/preferences.css define: text 4.5:1 (1.4.3), the edges of fields and focus rings 3:1
// (1.4.11, which axe-core does not check). axe-core checks the text as laid out in the window;
// this checks the pairs the stylesheets promise, whatever screen shows them.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const css = (name) => readFileSync(new URL(`../${name}`, import.meta.url), "utf8");

/** The colours declared in the first `selector` block, from `from` on, that declares any. */
function tokens(text, selector, from = 0) {
  for (let at = text.indexOf(`${selector} {`, from); at >= 0; at = text.indexOf(`${selector} {`, at + 1)) {
    const body = text.slice(text.indexOf("{", at) + 1, text.indexOf("}", at));
    const found = [...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1], m[2].toLowerCase()]);
    if (found.length) return Object.fromEntries(found);
  }
  assert.fail(`no ${selector} block with colours`);
}

/** WCAG's relative luminance of a #rrggbb colour. */
function luminance(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function ratio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const style = css("style.css");
const prefs = css("preferences.css");
const light = tokens(style, ":root");
const dark = { ...light, ...tokens(style, ':root[data-theme="dark"]') };
const moreAt = prefs.indexOf("@media (prefers-contrast: more) {");
const themes = {
  light,
  dark,
  "light, more contrast": { ...light, ...tokens(prefs, ":root", moreAt) },
  "dark, more contrast": { ...dark, ...tokens(prefs, ':root[data-theme="dark"]', moreAt) },
};

// Text and what it sits on: plain text, muted text, the accent, every badge and notice.
const TEXT = [
  ["text", "bg"], ["text", "panel"], ["muted", "bg"], ["muted", "panel"], ["muted", "row-hover"],
  ["accent", "panel"], ["accent", "bg"], ["accent-text", "accent"],
  ["open-fg", "open-bg"], ["iam-fg", "iam-bg"], ["lambda-fg", "lambda-bg"], ["cognito-fg", "cognito-bg"],
  ["jwt-fg", "jwt-bg"], ["other-fg", "other-bg"], ["warn-fg", "warn-bg"], ["error-fg", "error-bg"],
  ["warn-fg", "panel"], ["open-fg", "panel"], ["error-fg", "panel"], ["cognito-fg", "panel"],
  ["text", "warn-bg"], ["text", "error-bg"], ["text", "iam-bg"], ["text", "other-bg"],
];
// The parts of controls a person needs to see: a field's edge, the focus ring, a chosen segment.
const PARTS = [["field-line", "bg"], ["field-line", "panel"], ["focus", "bg"], ["focus", "panel"], ["accent", "panel"]];

for (const [name, t] of Object.entries(themes)) {
  test(`${name}: text is 4.5:1 against what it sits on, control edges 3:1`, () => {
    for (const [minimum, pairs] of [[4.5, TEXT], [3, PARTS]]) {
      for (const [fg, bg] of pairs) {
        assert.ok(t[fg] && t[bg], `--${fg} or --${bg} missing`);
        const r = ratio(t[fg], t[bg]);
        assert.ok(r >= minimum, `--${fg} ${t[fg]} on --${bg} ${t[bg]}: ${r.toFixed(2)}:1 < ${minimum}:1`);
      }
    }
  });
}

test("the system's dark theme is the dark theme the button picks", () => {
  const system = tokens(style, ':root:not([data-theme="light"])', style.indexOf("@media (prefers-color-scheme: dark)"));
  assert.deepEqual(system, tokens(style, ':root[data-theme="dark"]'));
  const more = tokens(prefs, ':root:not([data-theme="light"])', prefs.indexOf("@media (prefers-contrast: more) and (prefers-color-scheme: dark)"));
  assert.deepEqual(more, tokens(prefs, ':root[data-theme="dark"]', moreAt));
});

test("more contrast makes the edges and muted text stronger than they are", () => {
  for (const base of ["light", "dark"]) {
    const [plain, more] = [themes[base], themes[`${base}, more contrast`]];
    for (const fg of ["field-line", "muted", "line"]) {
      assert.ok(ratio(more[fg], more.panel) > ratio(plain[fg], plain.panel), `${base}: --${fg}`);
    }
  }
});
