"""Local AWS sandbox for Gatehouse: moto 5.2.5 (all services) behind our
middleware. Usage:

    python server.py --port PORT [--host 127.0.0.1] [--account 12-DIGIT-ID]
                     [--throttle RATE,BURST] [--region-error REGION=STATUS,CODE,MESSAGE]...
                     [--failure-rate P] [--seed N] [--latency-ms MS] [--verbose]

Prints `READY http://HOST:PORT` on stdout once it accepts connections.
`--port 0` picks a free port (the READY line tells which). `--account` makes every
request answer as that account (account.py); two sandboxes stand for two accounts.
`--region-error` (repeatable; REGION=PRESET works too, see region_errors.py) makes every
API Gateway call signed for REGION answer that error.
"""

import argparse
import os
import signal
import sys
import threading

# Our modules sit beside this file; make them importable however we're run.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server  # noqa: E402

import account  # noqa: E402
import patches  # noqa: E402
import region_errors  # noqa: E402
import sso_http  # noqa: E402
from middleware import SandboxMiddleware, SandboxState  # noqa: E402


# Headers whose names hold underscores that werkzeug (and moto's handler) would drop.
UNDERSCORE_HEADERS = {"x-amz-sso_bearer_token": sso_http.BEARER_ENVIRON_KEY}


class SandboxHandler(MotoRequestHandler):
    """moto's handler, keeping the SSO portal's `x-amz-sso_bearer_token` header.

    Werkzeug drops every header whose name holds an underscore (WSGI folds `_` and `-`
    alike, so one could spoof the other). The portal's bearer header is spelt with
    underscores, so it is kept under its own environ key: a dashed
    `x-amz-sso-bearer-token` still does not count, as at AWS."""

    def make_environ(self):
        environ = super().make_environ()
        for name, value in self.headers.items():
            key = UNDERSCORE_HEADERS.get(name.lower())
            if key:
                environ[key] = value.strip()
        return environ


class QuietHandler(SandboxHandler):
    """Drops the per-request access log line (errors are still logged)."""

    def log_request(self, *args, **kwargs):
        pass


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--account", metavar="12-DIGIT-ID",
                        help="answer every request as this AWS account "
                             "(default 123456789012, moto's)")
    parser.add_argument("--throttle", metavar="RATE,BURST",
                        help="enable API Gateway throttling, e.g. 10,40 (GetResources "
                             "also 5 per 2 s)")
    parser.add_argument("--region-error", action="append", default=[],
                        metavar="REGION=STATUS,CODE,MESSAGE",
                        help="every API Gateway call signed for REGION answers this error; "
                             "repeatable; REGION=access-denied or REGION=not-enabled too")
    parser.add_argument("--failure-rate", type=float, default=0.0, metavar="P",
                        help="probability that an UpdateMethod call fails")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed for the failure-injection RNG")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="delay added to every AWS request")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="stop when stdin closes (the test process that started us has ended)")
    parser.add_argument("--verbose", action="store_true",
                        help="log every request (werkzeug access log)")
    return parser.parse_args(argv)


def build_app(state=None):
    """The full WSGI app: moto behind our middleware (patches applied)."""
    patches.apply()
    moto_app = DomainDispatcherApplication(create_backend_app)
    return SandboxMiddleware(moto_app, state or SandboxState())


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("refusing to listen anywhere but loopback")

    if args.account:
        try:
            account.use(args.account)  # before any state: the SSO portal offers it
        except ValueError as exc:
            sys.exit(f"--account: {exc}")
    config = {"failure_rate": args.failure_rate, "latency_ms": args.latency_ms}
    if args.region_error:
        config["region_errors"] = {}
        for text in args.region_error:
            try:
                config["region_errors"].update(region_errors.parse_flag(text))
            except ValueError as exc:
                sys.exit(str(exc))
    state = SandboxState()
    if args.seed is not None:
        config["seed"] = args.seed
    if args.throttle:
        rate, _, burst = args.throttle.partition(",")
        config["throttle"] = {"rate": float(rate), "burst": float(burst or 40)}
    state.configure(config)

    server = make_server(args.host, args.port, build_app(state), threaded=True,
                         request_handler=SandboxHandler if args.verbose
                         else QuietHandler)
    os.environ.setdefault("MOTO_PORT", str(server.server_port))
    # Let SIGTERM end serve_forever() cleanly (SIGINT already does).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.exit_on_stdin_eof:
        # A test harness holds our stdin open; when it dies, so do we (no stray servers).
        def watch_stdin():
            while sys.stdin.buffer.read(4096):
                pass
            os._exit(0)
        threading.Thread(target=watch_stdin, daemon=True).start()
    print(f"READY http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
