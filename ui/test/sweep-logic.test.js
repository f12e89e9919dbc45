// The sweep's pure helpers (ui/views/sweep-logic.js): its rows' order, the filter, its texts.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  accountLabel,
  DEFAULT_SWEEP_SORT, compareSweepErrors, compareSweepLines, nextSweepSort, openText, ownerText, sortedIndex,
  sweepErrorMatches, sweepErrorWhere, sweepLine, sweepLineMatches, sweepProfileNames, sweepProgressSummary, sweepProgressText, sweepStartProblem, sweptByDefault,
} from "../views/sweep-logic.js";

/** A profile as Rust lists it; `status` makes it an SSO profile in that state. */
function profile(name, source = "file", status = null) {
  const text = { signedIn: "signed in until 18:40 UTC", expired: "sign-in expired", notSignedIn: "not signed in" }[status];
  const sso = status ? { status, until: null, text, startUrl: "https://corp.awsapps.com/start" } : null;
  return { id: source === "env" ? "env" : `${source}:${name}`, name, source, region: null, sso };
}

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
  assert.equal(sweepProgressText(5, 17), "5 of 17 regions");
  assert.equal(sweepProgressText(1, 1), "1 of 1 regions");
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

test("the progress list's summary counts what is swept, what failed and what was the same account", () => {
  assert.equal(sweepProgressSummary([{ done: 0, total: 17 }]), "0 of 1 profile or account swept");
  assert.equal(sweepProgressSummary([
    { done: 17, total: 17 }, { done: 3, total: 17 }, { state: "failed", done: 0, total: 17 },
    { state: "same", done: 0, total: 17 }, { done: 17, total: 17 },
  ]), "2 of 4 profiles and accounts swept · 1 could not be read · 1 the same account as another, swept once");
});

test("an error row says where: the profile, its account and the account's name, once", () => {
  const e = { profile: "file:dev", account: "111111111111", region: "eu-west-1", code: "X", message: "m", accountName: null };
  assert.equal(sweepErrorWhere(e, "dev"), "dev (111111111111) · eu-west-1");
  assert.equal(sweepErrorWhere({ ...e, account: null, region: null }, "dev"), "dev · every region");
  const team = { ...e, profile: "sso:corp/200000000003/ReadOnly", account: "200000000003", accountName: "Team03" };
  assert.equal(sweepErrorWhere(team, "Team03 (200000000003) · ReadOnly"), "Team03 (200000000003) · ReadOnly · eu-west-1");
  assert.equal(sweepErrorWhere(team, "sso:corp/x"), "sso:corp/x · Team03 (200000000003) · eu-west-1");
});

test("an organization's or a sign-in's account is called by its name, id and role", () => {
  assert.equal(accountLabel("org:file:mgmt/200000000003/AuditRole", "Member03"), "Member03 (200000000003) · AuditRole");
  assert.equal(accountLabel("sso:corp/200000000001/ReadOnly", ""), "200000000001 (200000000001) · ReadOnly");
  assert.equal(accountLabel("file:mgmt", "Management"), "Management");
});
