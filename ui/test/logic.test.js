// The review table's pure helpers (ui/logic.js): filters, selections, and the virtual list's window.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  apiKindTag, authorizerPool, cognitoMethods, deployedText, filterMethods, keysUnder, methodKey, notReviewedText,
  openNotOptionsKeys, poolIssuer, poolOfArn, poolOfIssuer, profileLabel, protectAuthorizers, signatureBadge,
  mfaNeed, ssoSignInNeeded, tokenMethods, tokenUseLabel, validFor, verdictBadge, visibleRows,
  DEFAULT_SWEEP_SORT, compareSweepErrors, compareSweepLines, nextSweepSort, openText, ownerText, sortedIndex,
  sweepErrorMatches, sweepLine, sweepLineMatches, sweepProfileNames, sweepProgressText, sweepStartProblem, sweptByDefault,
} from "../logic.js";

/** A method view as Rust sends it, with only what the helpers read filled in. */
function view(verb, path, kind = "open") {
  const protection = kind === "open" ? { kind: "open" } : { kind: "cognito", authorizer: "PetsPool", scopes: [] };
  return {
    verb, path, protection,
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

test("a method's key is its verb and path", () => {
  assert.equal(methodKey({ verb: "GET", path: "/pets" }), "GET /pets");
});

test("an HTTP API's $default route is named by its route key alone", () => {
  assert.equal(methodKey({ verb: "ANY", path: "$default" }), "$default");
  assert.equal(methodKey({ verb: "ANY", path: "/{proxy+}" }), "ANY /{proxy+}");
});

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

// The Token panel's helpers.

test("every verdict reads in words and has its own class", () => {
  assert.deepEqual(verdictBadge("allow"), { label: "Allowed", cls: "verdict-allow" });
  assert.deepEqual(verdictBadge("deny"), { label: "Refused", cls: "verdict-deny" });
  assert.deepEqual(verdictBadge("open"), { label: "Open", cls: "verdict-open" });
  assert.deepEqual(verdictBadge("unknown"), { label: "Lambda decides", cls: "verdict-unknown" });
  // A verdict a newer Rust sends still shows, as it is named.
  assert.deepEqual(verdictBadge(/** @type {any} */ ("later")), { label: "later", cls: "badge-other" });
});

test("the signature badge says what was checked", () => {
  assert.equal(signatureBadge("valid").label, "Signature valid");
  assert.equal(signatureBadge("invalid").label, "Signature invalid");
  assert.equal(signatureBadge("unverified").label, "Signature not verified");
  assert.equal(new Set(["valid", "invalid", "unverified"].map((s) => signatureBadge(/** @type {any} */ (s)).cls)).size, 3);
});

test("a token's use reads in words", () => {
  assert.equal(tokenUseLabel("id"), "ID token");
  assert.equal(tokenUseLabel("access"), "Access token");
  assert.equal(tokenUseLabel("other"), "Not an ID or access token");
});

test("AWS's authorizer test takes the methods with a Cognito authorizer only", () => {
  const methods = [
    { ...view("GET", "/pets", "cognito"), authorizationType: "COGNITO_USER_POOLS", authorizerId: "a1" },
    { ...view("GET", "/open"), authorizationType: "NONE", authorizerId: null },
    { ...view("GET", "/lambda"), authorizationType: "CUSTOM", authorizerId: "l1" },
    { ...view("GET", "/gone", "cognito"), authorizationType: "COGNITO_USER_POOLS", authorizerId: null },
  ];
  assert.deepEqual(cognitoMethods(/** @type {any} */ (methods)).map(methodKey), ["GET /pets"]);
});

test("the pool to sign in to is the first Cognito authorizer's", () => {
  const lambda = { kind: "TOKEN", providerArns: [] };
  const pets = { kind: "COGNITO_USER_POOLS", providerArns: ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC"] };
  assert.deepEqual(authorizerPool(/** @type {any} */ ([lambda, pets])), { region: "eu-west-1", poolId: "eu-west-1_AbC" });
  assert.equal(authorizerPool([]), null);
  assert.equal(authorizerPool(/** @type {any} */ ([lambda, { kind: "COGNITO_USER_POOLS", providerArns: ["not an arn"] }])), null);
});

// HTTP APIs.

test("the Token panel offers Cognito methods on a REST API, JWT routes on an HTTP API", () => {
  const methods = [
    { ...view("GET", "/pets", "cognito"), authorizationType: "COGNITO_USER_POOLS", authorizerId: "a1" },
    { ...view("GET", "/parcels"), authorizationType: "JWT", authorizerId: "j1" },
    { ...view("ANY", "$default"), authorizationType: "JWT", authorizerId: "j1" },
    { ...view("GET", "/open"), authorizationType: "NONE", authorizerId: null },
  ];
  assert.deepEqual(tokenMethods(/** @type {any} */ (methods), "REST").map(methodKey), ["GET /pets"]);
  assert.deepEqual(tokenMethods(/** @type {any} */ (methods), "HTTP").map(methodKey), ["GET /parcels", "$default"]);
});

test("a pool's issuer is exact and reads back; other issuers are no pool", () => {
  assert.equal(poolIssuer("eu-west-1", "eu-west-1_AbC"), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC");
  assert.deepEqual(poolOfIssuer(poolIssuer("eu-west-1", "eu-west-1_AbC")), { region: "eu-west-1", poolId: "eu-west-1_AbC" });
  assert.equal(poolOfIssuer("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC/"), null, "a trailing slash is another issuer");
  assert.equal(poolOfIssuer("https://login.example.com/"), null);
  assert.equal(poolOfIssuer(null), null);
  assert.deepEqual(poolOfArn("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC"), { region: "eu-west-1", poolId: "eu-west-1_AbC" });
  assert.equal(poolOfArn("arn:aws:lambda:eu-west-1:123456789012:function:f"), null);
});

test("the pool to sign in to is the first JWT authorizer's issuer on an HTTP API", () => {
  const lambda = { kind: "REQUEST", providerArns: [], issuer: null };
  const other = { kind: "JWT", providerArns: [], issuer: "https://login.example.com" };
  const pets = { kind: "JWT", providerArns: [], issuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Pets" };
  assert.deepEqual(authorizerPool(/** @type {any} */ ([lambda, other, pets])), { region: "eu-west-1", poolId: "eu-west-1_Pets" });
  assert.equal(authorizerPool(/** @type {any} */ ([lambda, other])), null);
});

test("the protect bar offers JWT authorizers on an HTTP API, Cognito ones on a REST API", () => {
  const all = [{ id: "c", kind: "COGNITO_USER_POOLS" }, { id: "j", kind: "JWT" }, { id: "l", kind: "REQUEST" }];
  assert.deepEqual(protectAuthorizers(/** @type {any} */ (all), "HTTP").map((a) => a.id), ["j"]);
  assert.deepEqual(protectAuthorizers(/** @type {any} */ (all), "REST").map((a) => a.id), ["c"]);
});

test("the list tags HTTP and WebSocket APIs, and says why a WebSocket API is not opened", () => {
  assert.equal(apiKindTag("REST"), null);
  assert.equal(apiKindTag("HTTP"), "HTTP");
  assert.equal(apiKindTag("WEBSOCKET"), "WebSocket");
  const chat = { id: "w1", name: "PetsChat", description: null, kind: /** @type {const} */ ("WEBSOCKET") };
  assert.match(notReviewedText(chat), /^PetsChat is a WebSocket API: .*Gatehouse reviews REST and HTTP APIs\.$/);
  assert.equal(notReviewedText({ ...chat, kind: "HTTP" }), null);
  assert.equal(notReviewedText({ ...chat, kind: "REST" }), null);
});

test("History says live on an auto-deploy stage, deployed to another", () => {
  assert.equal(deployedText("$default (auto-deploy)"), "live on $default (auto-deploy)");
  assert.equal(deployedText("prod"), "deployed to prod");
});

/** A profile as Rust lists it; `status` makes it an SSO profile in that state. */
function profile(name, source = "file", status = null) {
  const text = { signedIn: "signed in until 18:40 UTC", expired: "sign-in expired", notSignedIn: "not signed in" }[status];
  const sso = status ? { status, until: null, text, startUrl: "https://corp.awsapps.com/start" } : null;
  return { id: source === "env" ? "env" : `${source}:${name}`, name, source, region: null, sso };
}

test("the picker marks SSO profiles with their sign-in state, the others with their source", () => {
  assert.equal(profileLabel(profile("corp", "file", "signedIn")), "corp (SSO · signed in until 18:40 UTC)");
  assert.equal(profileLabel(profile("corp", "file", "expired")), "corp (SSO · sign-in expired)");
  assert.equal(profileLabel(profile("corp", "file", "notSignedIn")), "corp (SSO · not signed in)");
  assert.equal(profileLabel(profile("team")), "team (AWS files)");
  assert.equal(profileLabel(profile("dev", "keychain")), "dev (keychain)");
  assert.equal(profileLabel(profile("environment credentials", "env")), "environment credentials");
});

test("Sign in with SSO is offered for an SSO profile without a valid sign-in, or whose call lacked credentials", () => {
  assert.equal(ssoSignInNeeded(profile("corp", "file", "notSignedIn")), true);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "expired")), true);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "signedIn")), false);
  assert.equal(ssoSignInNeeded(profile("team")), false);
  assert.equal(ssoSignInNeeded(undefined), false);
  // A call's error: only the credential errors, only for an SSO profile, whatever the picker said.
  const signedIn = profile("corp", "file", "signedIn");
  assert.equal(ssoSignInNeeded(signedIn, { kind: "no-credentials" }), true);
  assert.equal(ssoSignInNeeded(signedIn, { kind: "expired" }), true);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "notSignedIn"), { kind: "unreachable" }), false);
  assert.equal(ssoSignInNeeded(profile("corp", "file", "notSignedIn"), { kind: "aws" }), false);
  assert.equal(ssoSignInNeeded(profile("team"), { kind: "no-credentials" }), false);
});

test("a sign-in code's lifetime reads in minutes, or seconds when under one", () => {
  assert.equal(validFor(600), "10 minutes");
  assert.equal(validFor(60), "1 minute");
  assert.equal(validFor(90), "2 minutes");
  assert.equal(validFor(45), "45 seconds");
  assert.equal(validFor(1), "1 second");
});

test("an MFA role's errors: a code is needed (with the role and device), or the code was refused", () => {
  const needed = {
    kind: "invalid", field: "mfaCode",
    message: "guarded: an MFA code is required to assume arn:aws:iam::123456789012:role/guarded (device arn:aws:iam::123456789012:mfa/alice)",
  };
  assert.deepEqual(mfaNeed(needed), {
    refused: false, profile: "guarded", role: "arn:aws:iam::123456789012:role/guarded", device: "arn:aws:iam::123456789012:mfa/alice",
  });
  const refused = {
    kind: "aws", code: "AccessDenied",
    message: "AccessDenied: guarded: assuming arn:aws:iam::123456789012:role/guarded with the MFA code was refused: MultiFactorAuthentication failed with invalid MFA one time pass code.",
  };
  assert.deepEqual(mfaNeed(refused), { refused: true, profile: "guarded", role: "arn:aws:iam::123456789012:role/guarded", device: "" });
  // Another message about the field still asks for the code; other errors do not.
  assert.equal(mfaNeed({ kind: "invalid", field: "mfaCode", message: "An MFA code is 6 digits" }).refused, false);
  assert.equal(mfaNeed({ kind: "aws", code: "AccessDenied", message: "AccessDenied: not allowed" }), null);
  assert.equal(mfaNeed({ kind: "invalid", field: "region", message: "'x' is not a region name" }), null);
  assert.equal(mfaNeed(undefined), null);
});

// The sweep's table.

/** A sweep row as Rust sends it. */
function swept(profile, region, name, open, extra = {}) {
  return {
    profile, account: "123456789012", region, kind: "REST", apiId: `${name.toLowerCase()}-id`, name,
    methods: 5, open, openOptions: 1, protected: 5 - open - 1, managedBy: null, ...extra,
  };
}

const line = (row) => sweepLine(row, row.profile.replace(/^\w+:/, ""));
const order = (rows, sort = DEFAULT_SWEEP_SORT) => rows.map(line).sort((a, b) => compareSweepLines(a, b, sort)).map((l) => l.row.name);

test("a sweep lists open APIs first, then by profile, region and name", () => {
  const rows = [
    swept("file:dev", "us-east-1", "beta", 0),
    swept("file:dev", "eu-west-1", "Alpha", 0),
    swept("keychain:ci", "us-east-1", "Orders", 2),
    swept("file:dev", "us-east-1", "alpha", 0, { apiId: "b" }),
    swept("file:dev", "us-east-1", "Pets", 3),
    swept("file:dev", "eu-west-1", "Admin", 2),
  ];
  assert.deepEqual(order(rows), ["Pets", "Admin", "Orders", "Alpha", "alpha", "beta"]);
});

test("a column sorts its way and turns around; ties keep the default order", () => {
  const rows = [swept("file:dev", "us-east-1", "b", 1), swept("file:dev", "eu-west-1", "a", 0), swept("file:ops", "us-east-1", "c", 4)];
  assert.deepEqual(order(rows, { column: "name", descending: false }), ["a", "b", "c"]);
  assert.deepEqual(order(rows, { column: "name", descending: true }), ["c", "b", "a"]);
  // Ties on the region fall back to open first.
  assert.deepEqual(order(rows, { column: "region", descending: false }), ["a", "c", "b"]);
  assert.deepEqual(order(rows, { column: "profile", descending: false }), ["b", "a", "c"]);
  assert.deepEqual(nextSweepSort(DEFAULT_SWEEP_SORT, "open"), { column: "open", descending: false });
  assert.deepEqual(nextSweepSort(DEFAULT_SWEEP_SORT, "name"), { column: "name", descending: false });
  assert.deepEqual(nextSweepSort({ column: "name", descending: false }, "protected"), { column: "protected", descending: true });
});

test("the owner is the stack's name, else the tool's text", () => {
  assert.equal(ownerText({ stack: "pets-prod", text: "CloudFormation stack pets-prod" }), "pets-prod");
  assert.equal(ownerText({ tool: "terraform", text: "Terraform (tag managed-by = terraform)" }), "Terraform (tag managed-by = terraform)");
  assert.equal(ownerText(null), "");
  const owned = line(swept("file:dev", "us-east-1", "b", 0, { managedBy: { stack: "zeta", text: "CloudFormation stack zeta" } }));
  assert.equal(owned.owner, "zeta");
  const rows = [owned.row, swept("file:dev", "us-east-1", "a", 0, { managedBy: { stack: "alpha", text: "CloudFormation stack alpha" } })];
  assert.deepEqual(order(rows, { column: "owner", descending: false }), ["a", "b"]);
});

test("the filter finds a row by profile, account, region, kind, name or owner, in any case", () => {
  const l = line(swept("keychain:ci", "eu-west-1", "SecurePets", 1, { kind: "HTTP", account: "210987654321", managedBy: { stack: "pets-prod", text: "CloudFormation stack pets-prod" } }));
  for (const text of ["", "  ", "CI", "keychain:", "2109876", "EU-WEST", "http", "securepets", "PETS-PROD"]) {
    assert.equal(sweepLineMatches(l, text), true, text);
  }
  assert.equal(sweepLineMatches(l, "us-east-1"), false);
  assert.equal(sweepLineMatches(l, "terraform"), false);
  const e = { profile: "file:broken", account: null, region: null, code: "InvalidClientTokenId", message: "The security token is invalid." };
  assert.equal(sweepErrorMatches(e, "broken", "every region"), true);
  assert.equal(sweepErrorMatches(e, "broken", "invalidclient"), true);
  assert.equal(sweepErrorMatches(e, "broken", "eu-west-1"), false);
});

test("a row that arrives goes where the sort puts it", () => {
  const cmpNum = (a, b) => a - b;
  assert.equal(sortedIndex([], 3, cmpNum), 0);
  assert.equal(sortedIndex([1, 3, 5], 0, cmpNum), 0);
  assert.equal(sortedIndex([1, 3, 5], 3, cmpNum), 2);
  assert.equal(sortedIndex([1, 3, 5], 9, cmpNum), 3);
  const sorted = [];
  const byDefault = (a, b) => compareSweepLines(a, b, DEFAULT_SWEEP_SORT);
  const rows = [swept("file:dev", "us-east-1", "b", 0), swept("file:dev", "us-east-1", "a", 2), swept("file:dev", "eu-west-1", "c", 0)];
  for (const r of rows) { const l = line(r); sorted.splice(sortedIndex(sorted, l, byDefault), 0, l); }
  assert.deepEqual(sorted.map((l) => l.row.name), order(rows));
});

test("error rows: a whole profile's first, then by region", () => {
  const errors = [
    { profile: "file:dev", region: "us-east-1" }, { profile: "file:dev", region: null }, { profile: "env", region: "eu-west-1" },
  ];
  assert.deepEqual(errors.sort(compareSweepErrors).map((e) => `${e.profile} ${e.region}`), ["env eu-west-1", "file:dev null", "file:dev us-east-1"]);
});

test("sweep texts: counts, progress, and why Sweep waits", () => {
  assert.equal(openText(2), "2 open");
  assert.equal(openText(0), "none open");
  assert.equal(sweepProgressText("dev", 5, 17), "dev: 5 of 17 regions");
  assert.equal(sweepProgressText("dev", 1, 1), "dev: 1 of 1 regions");
  assert.equal(sweepStartProblem(2, 17), null);
  assert.equal(sweepStartProblem(0, 17), "Tick at least one profile.");
  assert.equal(sweepStartProblem(1, 0), "Tick at least one region.");
  assert.equal(sweepStartProblem(0, 0), "Tick at least one profile and one region.");
});

test("every profile is swept by default but the environment's; a shared name reads with its source", () => {
  assert.equal(sweptByDefault(profile("dev")), true);
  assert.equal(sweptByDefault(profile("ci", "keychain")), true);
  assert.equal(sweptByDefault(profile("environment credentials", "env")), false);
  const names = sweepProfileNames([profile("dev"), profile("dev", "keychain"), profile("ops")]);
  assert.deepEqual([...names], [["file:dev", "dev (AWS files)"], ["keychain:dev", "dev (keychain)"], ["file:ops", "ops"]]);
});
