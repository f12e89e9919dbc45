// @ts-check
// The protect flow's pure helpers: which authorizers protect the methods of a kind of API, and
// how History says an apply went live.

/** @typedef {import("../bindings/Authorizer").Authorizer} Authorizer */
/** @typedef {import("../bindings/ApiKind").ApiKind} ApiKind */
/** @typedef {import("../bindings/ApplySummary").ApplySummary} ApplySummary */

/** The authorizers the protect bar offers: an HTTP API's JWT authorizers, a REST API's Cognito ones.
 * @template {Authorizer} A @param {A[]} authorizers @param {ApiKind} kind @returns {A[]} */
export const protectAuthorizers = (authorizers, kind) =>
  authorizers.filter((a) => a.kind === (kind === "HTTP" ? "JWT" : "COGNITO_USER_POOLS"));

/** A History entry's deployment: "live on $default (auto-deploy)" for a stage that deployed it by
 * itself (as Rust marks it), else "deployed to prod". @param {ApplySummary} a @param {string} stage */
export const deployedText = (a, stage) => (a.deployedAuto ? `live on ${stage}` : `deployed to ${stage}`);
