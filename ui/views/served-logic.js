// @ts-check
// "Served by": the review's methods as the editor holds them, or as a stage (or its canary)
// serves them, each differing row with the difference Rust words. Pure, for node's test runner.

/** @typedef {import("../bindings/ApiReview").ApiReview} ApiReview */
/** @typedef {import("../bindings/MethodView").MethodView} MethodView */
/** @typedef {import("../bindings/Difference").Difference} Difference */
/** @typedef {import("../bindings/StageView").StageView} StageView */

/** What a row adds when a stage is shown: how it differs from the editor, and whether the stage
 * serves it at all. @typedef {{text: string, served: boolean}} RowNote */

/** The "Served by" choice of a stage's canary. @param {string} stage */
export const canaryChoice = (stage) => `${stage}#canary`;

/**
 * The picker's options: the editor first, then each stage (its label), then its canary.
 * @param {ApiReview} review
 * @returns {{value: string, text: string}[]}
 */
export function servedOptions(review) {
  const options = [{ value: "editor", text: "Editor" }];
  for (const s of review.stages) {
    options.push({ value: s.name, text: s.label });
    if (s.canary) options.push({ value: canaryChoice(s.name), text: `${s.name} canary ${s.canary.percent}%` });
  }
  return options;
}

/**
 * What a choice shows: the stage (and whether its canary) — null for the editor, or a stage that
 * is gone (the review then shows the editor).
 * @param {ApiReview} review @param {string} choice
 * @returns {{stage: StageView, canary: boolean} | null}
 */
export function servedStage(review, choice) {
  if (choice === "editor") return null;
  const canary = choice.endsWith("#canary");
  const name = canary ? choice.slice(0, -"#canary".length) : choice;
  const stage = review.stages.find((s) => s.name === name);
  if (!stage || (canary && !stage.canary)) return null;
  return { stage, canary };
}

/**
 * The rows for a stage (or its canary): the editor's methods in the editor's order, each as the
 * stage serves it (the editor's own view when the stage does not serve it), then what the stage
 * still serves that the editor no longer has. Each differing row has its note.
 * @param {MethodView[]} editor
 * @param {MethodView[]} served
 * @param {Difference[]} differences
 * @returns {{views: MethodView[], notes: Map<string, RowNote>}}
 */
export function servedRows(editor, served, differences) {
  const servedBy = new Map(served.map((v) => [v.key, v]));
  const diffs = new Map(differences.map((d) => [d.key, d]));
  /** @type {MethodView[]} */
  const views = [];
  /** @type {Map<string, RowNote>} */
  const notes = new Map();
  const add = (/** @type {MethodView} */ v, /** @type {boolean} */ isServed) => {
    views.push(v);
    const d = diffs.get(v.key);
    if (d || !isServed) notes.set(v.key, { text: d?.text ?? "", served: isServed });
  };
  for (const e of editor) {
    const s = servedBy.get(e.key);
    add(s ?? e, !!s);
  }
  const inEditor = new Set(editor.map((v) => v.key));
  for (const s of served) if (!inEditor.has(s.key)) add(s, true);
  return { views, notes };
}
