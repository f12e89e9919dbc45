// The review table's pure helpers (ui/views/review-logic.js, rows.js, served-logic.js): filters, selections by the
// keys Rust gives the methods, and the virtual list's window.

import { test } from "node:test";
import assert from "node:assert/strict";
import { filterMethods, keysUnder, openNotOptionsKeys } from "../views/review-logic.js";
import { visibleRows } from "../views/rows.js";
import { servedOptions, servedRows, servedStage } from "../views/served-logic.js";

/** A method view as Rust sends it, with only what the helpers read filled in (its key as Rust writes it). */
function view(verb, path, kind = "open") {
  const protection = kind === "open" ? { kind: "open" } : { kind: "cognito", authorizer: "PetsPool", scopes: [] };
  return {
    verb, path, protection, key: path.startsWith("$") ? path : `${verb} ${path}`,
    isOptions: verb === "OPTIONS",
    openNotOptions: kind === "open" && verb !== "OPTIONS",
  };
}

const PETS = [
  view("GET", "/pets"),
  view("OPTIONS", "/pets"),
  view("POST", "/pets", "cognito"),
  view("GET", "/pets/{id}", "cognito"),
  view("GET", "/petshop"),
  view("POST", "/purchase"),
];

test("the filter shows all, open or protected methods, in order", () => {
  assert.deepEqual(filterMethods(PETS, "all", ""), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(filterMethods(PETS, "open", ""), [0, 1, 4, 5]);
  assert.deepEqual(filterMethods(PETS, "protected", ""), [2, 3]);
});

test("the path filter takes a part of the path, any case, blanks ignored", () => {
  assert.deepEqual(filterMethods(PETS, "all", "  PETS/ "), [3]);
  assert.deepEqual(filterMethods(PETS, "open", "pet"), [0, 1, 4]);
  assert.deepEqual(filterMethods(PETS, "all", "   "), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(filterMethods(PETS, "protected", "purchase"), []);
  assert.deepEqual(filterMethods([], "all", "x"), []);
});

test("a path takes itself and what is under it, not a longer name", () => {
  assert.deepEqual(keysUnder(PETS, "/pets"), ["GET /pets", "OPTIONS /pets", "POST /pets", "GET /pets/{id}"]);
  assert.deepEqual(keysUnder(PETS, "/pets/"), keysUnder(PETS, "/pets"), "a trailing slash changes nothing");
  assert.deepEqual(keysUnder(PETS, "/pets/{id}"), ["GET /pets/{id}"]);
  assert.deepEqual(keysUnder(PETS, "/nothing"), []);
});

test("the root path takes every method", () => {
  assert.equal(keysUnder(PETS, "/").length, PETS.length);
  assert.equal(keysUnder(PETS, "").length, PETS.length);
});

test("select open except OPTIONS follows Rust's flag", () => {
  assert.deepEqual(openNotOptionsKeys(PETS), ["GET /pets", "GET /petshop", "POST /purchase"]);
  // The flag decides, not the page: a method Rust does not mark is not taken.
  const marked = [{ ...view("GET", "/a"), openNotOptions: false }, { ...view("GET", "/b", "cognito"), openNotOptions: true }];
  assert.deepEqual(openNotOptionsKeys(marked), ["GET /b"]);
});

const AT = { rowHeight: 36, overscan: 12 };

test("at the top, the rows in view and the overscan below are drawn", () => {
  const r = visibleRows({ ...AT, count: 1200, scrollTop: 0, viewport: 600 });
  assert.deepEqual(r, { first: 0, end: Math.ceil(600 / 36) + 12, above: 0, below: (1200 - 29) * 36 });
});

test("in the middle, overscan each side and spacers for the rest", () => {
  const r = visibleRows({ ...AT, count: 1200, scrollTop: 36 * 100 + 10, viewport: 360 });
  assert.equal(r.first, 100 - 12);
  assert.equal(r.end, Math.ceil((3610 + 360) / 36) + 12);
  assert.equal(r.above, r.first * 36);
  assert.equal(r.below, (1200 - r.end) * 36);
  assert.equal(r.above + (r.end - r.first) * 36 + r.below, 1200 * 36, "the spacers and rows keep the list's height");
});

test("at the bottom, the last row is drawn and nothing is below", () => {
  const r = visibleRows({ ...AT, count: 1200, scrollTop: 1200 * 36 - 600, viewport: 600 });
  assert.equal(r.end, 1200);
  assert.equal(r.below, 0);
  assert.equal(r.first, Math.floor((1200 * 36 - 600) / 36) - 12);
});

test("a short list is drawn whole", () => {
  assert.deepEqual(visibleRows({ ...AT, count: 4, scrollTop: 0, viewport: 600 }), { first: 0, end: 4, above: 0, below: 0 });
});

test("a scroll above the first row (the header) counts as the top", () => {
  assert.deepEqual(visibleRows({ ...AT, count: 100, scrollTop: -40, viewport: 360 }),
    visibleRows({ ...AT, count: 100, scrollTop: 0, viewport: 360 }));
});

test("a scroll position past the end (the list just got shorter) draws an empty window", () => {
  const r = visibleRows({ ...AT, count: 2, scrollTop: 36 * 500, viewport: 360 });
  assert.ok(r.first <= r.end && r.end <= 2, JSON.stringify(r));
  assert.equal(r.above + (r.end - r.first) * 36 + r.below, 2 * 36);
});

test("an empty list draws nothing", () => {
  assert.deepEqual(visibleRows({ ...AT, count: 0, scrollTop: 0, viewport: 600 }), { first: 0, end: 0, above: 0, below: 0 });
});


/** A method view as a stage serves it: the served authorization type is what the row shows. */
const served = (key, authorizationType) => ({ key, authorizationType, protection: { kind: authorizationType === "NONE" ? "open" : "cognito" } });

test("a stage's rows: the editor's order, as the stage serves them, the unserved and removed ones too", () => {
  const editor = [served("GET /pets", "COGNITO_USER_POOLS"), served("POST /new", "NONE"), served("OPTIONS /pets", "NONE")];
  const stage = [served("OPTIONS /pets", "NONE"), served("GET /pets", "NONE"), served("DELETE /old", "NONE")];
  const differences = [
    { key: "GET /pets", text: "editor: Cognito · PetsPool — not deployed" },
    { key: "POST /new", text: "editor: Open — not deployed to this stage" },
    { key: "DELETE /old", text: "removed from the editor — still served until a deploy" },
  ];
  const { views, notes } = servedRows(/** @type {any} */ (editor), /** @type {any} */ (stage), /** @type {any} */ (differences));
  assert.deepEqual(views.map((v) => `${v.key} ${v.authorizationType}`),
    ["GET /pets NONE", "POST /new NONE", "OPTIONS /pets NONE", "DELETE /old NONE"]);
  assert.deepEqual(notes.get("GET /pets"), { text: "editor: Cognito · PetsPool — not deployed", served: true });
  assert.equal(notes.get("POST /new")?.served, false);
  assert.equal(notes.get("DELETE /old")?.served, true);
  assert.equal(notes.has("OPTIONS /pets"), false);
});

test("the picker offers the editor, each stage by its label, a canary after its stage", () => {
  const review = /** @type {any} */ ({ stages: [
    { name: "dev", label: "dev · deployment a1", canary: null },
    { name: "prod", label: "prod · deployment b2 · canary 10%", canary: { percent: 10 } },
  ] });
  assert.deepEqual(servedOptions(review).map((o) => o.value), ["editor", "dev", "prod", "prod#canary"]);
  assert.equal(servedOptions(review)[3].text, "prod canary 10%");
  assert.equal(servedStage(review, "prod#canary")?.canary, true);
  assert.equal(servedStage(review, "dev#canary"), null);
  assert.equal(servedStage(review, "gone"), null);
  assert.equal(servedStage(review, "editor"), null);
});
