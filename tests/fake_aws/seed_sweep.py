"""Seed sandboxes for Gatehouse's multi-account, multi-region sweep (through boto3).

    python seed_sweep.py --endpoint URL --regions us-east-1,eu-west-1 --rest N --http M
                         [--prefix sweep] [--stack-every K] [--workers W]
        In each region, N REST APIs `{prefix}-{region}-rest-{i}` (i = 1..N): /items GET
        NONE, POST AWS_IAM, OPTIONS NONE; /items/{id} DELETE NONE (no integrations, no
        stage); and M HTTP APIs `{prefix}-{region}-http-{i}`: routes GET /items NONE,
        POST /items AWS_IAM, OPTIONS /items NONE (no integration, no stage). With K, every
        K-th API of each kind and region (i % K == 0) is tagged
        aws:cloudformation:stack-name = {name}-stack, every (K+1)-th (i % (K+1) == 0)
        managed-by = terraform (both when both hold). Prints the summary (sweep()).
    python seed_sweep.py small --endpoint URL --label A|B
    python seed_sweep.py small --a URL_A --b URL_B
        The fixed two-account scenario (SMALL below): one account's part, or both.

Importable: sweep(), seed_sweep_small(endpoint, account_label), seed_sweep_pair(a, b).

Calls run on a thread pool (default 8 workers). Throttling, region errors and latency
the sandbox has switched on are paused while seeding and restored afterwards (restoring
the throttle refills its buckets); other faults are left alone.
"""

import argparse
import contextlib
import json
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import boto3
import botocore.config

import seed

STACK_TAG, TERRAFORM_TAG = "aws:cloudformation:stack-name", "managed-by"
# (resource path, verb, authorization type) of every sweep REST API, parents first.
REST_METHODS = (("/items", "GET", "NONE"), ("/items", "POST", "AWS_IAM"),
                ("/items", "OPTIONS", "NONE"), ("/items/{id}", "DELETE", "NONE"))
HTTP_ROUTES = (("GET /items", "NONE"), ("POST /items", "AWS_IAM"), ("OPTIONS /items", "NONE"))
# What the sandbox's paused faults are while seeding.
PAUSED = {"throttle": None, "region_errors": {}, "latency_ms": 0}
# moto's id generator is seeded with these before a small part is built: same ids every run.
SMALL_RNG_SEEDS = {"A": 1001, "B": 1002}
# The fixed scenario: label -> [(region, kind, name, tags, {path or route key: auth}, stage)].
SMALL = {
    "A": [("us-east-1", "REST", "Storefront", {STACK_TAG: "shop-prod"},
           {"GET /cart": "NONE", "OPTIONS /cart": "NONE", "POST /cart": "AWS_IAM"}, "prod"),
          ("eu-west-1", "HTTP", "Orders", {TERRAFORM_TAG: "terraform"},
           {"GET /orders": "NONE", "OPTIONS /orders": "NONE", "POST /orders": "AWS_IAM"},
           "$default")],
    "B": [("ap-southeast-2", "REST", "Billing", {},
           {"GET /invoices": "AWS_IAM", "OPTIONS /invoices": "NONE"}, "prod"),
          ("us-west-2", "HTTP", "Reports", {},
           {"GET /reports": "NONE", "GET /health": "NONE"}, None)],
}


# ------------------------------------------------------------------ helpers

class Clients:
    """boto3 clients per (service, region), made once (client creation is not thread-safe,
    calls are); retries on, as the seed must not fail on a stray 5xx."""

    def __init__(self, endpoint, workers=10):
        self.endpoint, self.lock, self.made = endpoint, threading.Lock(), {}
        self.session = boto3.session.Session()
        # Parameters are the seed's own (validation would only cost time).
        self.config = botocore.config.Config(max_pool_connections=max(10, workers),
                                             parameter_validation=False,
                                             retries={"mode": "standard"})

    def __call__(self, service, region):
        with self.lock:
            key = (service, region)
            if key not in self.made:
                self.made[key] = self.session.client(
                    service, endpoint_url=self.endpoint, region_name=region,
                    config=self.config, **seed.DUMMY_CREDENTIALS)
            return self.made[key]


def _control(endpoint, path, payload=None):
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(endpoint.rstrip("/") + path, data=data,
                                 headers={"Content-Type": "application/json"},
                                 method="GET" if data is None else "POST")
    with urllib.request.urlopen(req, timeout=60) as resp:
        raw = resp.read()
    return json.loads(raw) if raw.strip() else {}  # moto's /moto-api/seed answers nothing


@contextlib.contextmanager
def faults_paused(endpoint):
    """Throttling, region errors and latency off while the block runs, then as they were."""
    config = _control(endpoint, "/_sandbox/config")
    saved = {key: config.get(key) for key in PAUSED}
    changed = {key: value for key, value in PAUSED.items() if saved[key] != value}
    if changed:
        _control(endpoint, "/_sandbox/config", changed)
    try:
        yield
    finally:
        if changed:
            _control(endpoint, "/_sandbox/config", {key: saved[key] for key in changed})


def sweep_tags(name, i, stack_every):
    """The tags API number `i` (1-based) gets with --stack-every K (K None: none)."""
    tags = {}
    if stack_every:
        if i % stack_every == 0:
            tags[STACK_TAG] = f"{name}-stack"
        if i % (stack_every + 1) == 0:
            tags[TERRAFORM_TAG] = "terraform"
    return tags


def _rest_api(apigw, name, tags, methods, integrations=False):
    """A REST API with `methods` ({"VERB /path": auth}, parents before children); returns
    {"id", "root", "resources": {path: id}}. MOCK integrations when `integrations`."""
    api = apigw.create_rest_api(name=name, **({"tags": tags} if tags else {}))
    api_id, resources = api["id"], {"/": api["rootResourceId"]}
    for key, auth in methods.items():
        verb, path = key.split(" ", 1)
        if path not in resources:
            parent, _, part = path.rpartition("/")
            resources[path] = apigw.create_resource(
                restApiId=api_id, parentId=resources[parent or "/"], pathPart=part)["id"]
        apigw.put_method(restApiId=api_id, resourceId=resources[path], httpMethod=verb,
                         authorizationType=auth)
        if integrations:
            apigw.put_integration(
                restApiId=api_id, resourceId=resources[path], httpMethod=verb, type="MOCK",
                requestTemplates={"application/json": '{"statusCode": 200}'})
    return {"id": api_id, "root": api["rootResourceId"], "resources": resources}


def _http_api(v2, name, tags, routes, integration=False):
    """An HTTP API with `routes` ({route key: auth}); returns {"id", "endpoint", "routes":
    {key: id}} (+ "integration": one HTTP_PROXY integration every route targets)."""
    api = v2.create_api(Name=name, ProtocolType="HTTP", **({"Tags": tags} if tags else {}))
    out = {"id": api["ApiId"], "endpoint": api["ApiEndpoint"], "routes": {}}
    target = {}
    if integration:
        out["integration"] = v2.create_integration(
            ApiId=out["id"], IntegrationType="HTTP_PROXY", IntegrationMethod="ANY",
            IntegrationUri="https://example.com", PayloadFormatVersion="1.0")["IntegrationId"]
        target = {"Target": f"integrations/{out['integration']}"}
    for key, auth in routes.items():
        out["routes"][key] = v2.create_route(ApiId=out["id"], RouteKey=key,
                                             AuthorizationType=auth, **target)["RouteId"]
    return out


def _open(protection):
    """How many methods/routes are open (NONE), OPTIONS not counted."""
    return sum(1 for key, auth in protection.items()
               if auth == "NONE" and not key.startswith("OPTIONS "))


# ------------------------------------------------------------------ the sweep

def sweep(endpoint, regions, rest, http, prefix="sweep", stack_every=None, workers=8):
    """Create `rest` REST and `http` HTTP APIs in every region (see the module doc);
    returns the summary: {"endpoint", "account", "prefix", "stack_every", "seconds",
    "regions": {region: {"rest": {name: id}, "http": {name: id}, "counts": {...}}},
    "totals": {...}} where counts are {"rest", "http", "methods", "routes",
    "open_methods", "open_routes", "stack_tagged", "terraform_tagged"} (open: NONE,
    OPTIONS not counted)."""
    if stack_every is not None and stack_every < 1:
        raise ValueError("stack_every must be >= 1")
    if rest < 0 or http < 0:
        raise ValueError("rest and http must be >= 0")
    regions = list(dict.fromkeys(regions))  # each once, in order
    clients = Clients(endpoint, workers)
    rest_methods = {f"{verb} {path}": auth for path, verb, auth in REST_METHODS}
    http_routes = dict(HTTP_ROUTES)
    jobs = []  # (region, kind, name, tags)
    for region in regions:
        for kind, count in (("rest", rest), ("http", http)):
            for i in range(1, count + 1):
                name = f"{prefix}-{region}-{kind}-{i}"
                jobs.append((region, kind, name, sweep_tags(name, i, stack_every)))

    def build(job):
        region, kind, name, tags = job
        if kind == "rest":
            return _rest_api(clients("apigateway", region), name, tags, rest_methods)["id"]
        return _http_api(clients("apigatewayv2", region), name, tags, http_routes)["id"]

    started = time.monotonic()
    with faults_paused(endpoint):
        for region in regions:  # clients made up front, on this thread
            clients("apigateway", region), clients("apigatewayv2", region)
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            ids = list(pool.map(build, jobs))
    seconds = round(time.monotonic() - started, 2)

    per_region = {region: {"rest": {}, "http": {}, "counts": dict.fromkeys(
        ("rest", "http", "methods", "routes", "open_methods", "open_routes",
         "stack_tagged", "terraform_tagged"), 0)} for region in regions}
    for (region, kind, name, tags), api_id in zip(jobs, ids):
        entry = per_region[region]
        entry[kind][name] = api_id
        counts = entry["counts"]
        counts[kind] += 1
        if kind == "rest":
            counts["methods"] += len(rest_methods)
            counts["open_methods"] += _open(rest_methods)
        else:
            counts["routes"] += len(http_routes)
            counts["open_routes"] += _open(http_routes)
        counts["stack_tagged"] += STACK_TAG in tags
        counts["terraform_tagged"] += TERRAFORM_TAG in tags
    totals = {key: sum(r["counts"][key] for r in per_region.values())
              for key in next(iter(per_region.values()))["counts"]} if per_region else {}
    totals["apis"] = totals.get("rest", 0) + totals.get("http", 0)
    identity = clients("sts", regions[0] if regions else "us-east-1").get_caller_identity()
    return {"endpoint": endpoint, "account": identity["Account"], "prefix": prefix,
            "stack_every": stack_every, "seconds": seconds, "regions": per_region,
            "totals": totals}


# ------------------------------------------------------------------ the small scenario

def _existing_names(clients, region, kind):
    if kind == "REST":
        return {a["name"] for a in clients("apigateway", region).get_rest_apis(
            limit=500)["items"]}
    return {a["Name"] for a in clients("apigatewayv2", region).get_apis(
        MaxResults="500")["Items"]}


def seed_sweep_small(endpoint, account_label):
    """Build account `account_label`'s part ("A" or "B") of the fixed two-account
    scenario in the sandbox at `endpoint` (run once per sandbox: it refuses when an API
    of the same name is there). Returns {"label", "endpoint", "account", "apis": {name:
    {"kind": "REST"|"HTTP", "region", "id", "tags", "protection": {"VERB /path": auth},
    "open" (NONE, OPTIONS not counted), "stage", REST: "root", "resources", "deployment";
    HTTP: "endpoint", "integration", "routes": {route key: id}, "auto_deploy",
    "deployment"}}, "regions": {region: [names]}, "open": total}.

    A: us-east-1 REST Storefront (stack shop-prod; /cart GET NONE, OPTIONS NONE, POST
       AWS_IAM; MOCK integrations; deployed to prod), eu-west-1 HTTP Orders (managed-by
       terraform; GET/OPTIONS /orders NONE, POST /orders AWS_IAM; $default AutoDeploy).
    B: ap-southeast-2 REST Billing (/invoices GET AWS_IAM, OPTIONS NONE; prod), us-west-2
       HTTP Reports (GET /reports, GET /health NONE; no stage)."""
    label = account_label.upper()
    if label not in SMALL:
        raise ValueError(f"account_label must be one of {sorted(SMALL)}")
    clients = Clients(endpoint)
    out = {"label": label, "endpoint": endpoint, "apis": {}, "regions": {}}
    with faults_paused(endpoint):
        for region, kind, name, _tags, _protection, _stage in SMALL[label]:
            if name in _existing_names(clients, region, kind):
                raise RuntimeError(f"{name} already exists in {region} at {endpoint}: "
                                   f"seed_sweep_small runs once per sandbox")
        # Same ids every time (moto's id generator is random.Random underneath).
        _control(endpoint, f"/moto-api/seed?a={SMALL_RNG_SEEDS[label]}", {})
        for region, kind, name, tags, protection, stage in SMALL[label]:
            if kind == "REST":
                apigw = clients("apigateway", region)
                api = _rest_api(apigw, name, tags, protection, integrations=True)
                api["deployment"] = apigw.create_deployment(
                    restApiId=api["id"], stageName=stage, description="seed")["id"]
            else:
                v2 = clients("apigatewayv2", region)
                api = _http_api(v2, name, tags, protection, integration=True)
                if stage:  # after the routes: its first automatic deployment holds them
                    made = v2.create_stage(ApiId=api["id"], StageName=stage, AutoDeploy=True)
                    api.update(auto_deploy=True, deployment=made.get("DeploymentId"))
            api.update(kind=kind, region=region, tags=tags, protection=protection,
                       open=_open(protection), stage=stage)
            out["apis"][name] = api
            out["regions"].setdefault(region, []).append(name)
        out["account"] = clients("sts", "us-east-1").get_caller_identity()["Account"]
    out["open"] = sum(api["open"] for api in out["apis"].values())
    return out


def seed_sweep_pair(endpoint_a, endpoint_b):
    """Both parts: {"A": seed_sweep_small(endpoint_a, "A"), "B": ...(endpoint_b, "B")}."""
    return {"A": seed_sweep_small(endpoint_a, "A"), "B": seed_sweep_small(endpoint_b, "B")}


# ------------------------------------------------------------------ command line

def main(argv):
    if argv and argv[0] == "small":
        parser = argparse.ArgumentParser(prog="seed_sweep.py small")
        parser.add_argument("--endpoint", help="one sandbox (with --label)")
        parser.add_argument("--label", choices=sorted(SMALL), help="its part")
        parser.add_argument("--a", metavar="URL", help="account A's sandbox")
        parser.add_argument("--b", metavar="URL", help="account B's sandbox")
        args = parser.parse_args(argv[1:])
        if args.endpoint and args.label and not (args.a or args.b):
            out = seed_sweep_small(args.endpoint, args.label)
        elif args.a and args.b and not (args.endpoint or args.label):
            out = seed_sweep_pair(args.a, args.b)
        else:
            parser.error("give --endpoint URL --label A|B, or --a URL --b URL")
    else:
        parser = argparse.ArgumentParser(prog="seed_sweep.py")
        parser.add_argument("--endpoint", required=True)
        parser.add_argument("--regions", required=True, help="comma-separated")
        parser.add_argument("--rest", type=int, default=0, help="REST APIs per region")
        parser.add_argument("--http", type=int, default=0, help="HTTP APIs per region")
        parser.add_argument("--prefix", default="sweep")
        parser.add_argument("--stack-every", type=int, metavar="K")
        parser.add_argument("--workers", type=int, default=8)
        args = parser.parse_args(argv)
        regions = [r.strip() for r in args.regions.split(",") if r.strip()]
        if not regions:
            parser.error("--regions needs at least one region")
        out = sweep(args.endpoint, regions, args.rest, args.http, args.prefix,
                    args.stack_every, args.workers)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
