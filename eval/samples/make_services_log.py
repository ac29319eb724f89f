#!/usr/bin/env python3
"""Generate eval/samples/services.log: application services a content engineer meets beside the OS.

One invented shop's morning, three sources interleaved in time order:

  * a web server's access log in the Combined Log Format, with bracketed times and quoted
    request lines and user agents of varying word counts
        192.0.2.44 - - [04/Nov/2025:08:01:12 +0000] "GET /cart HTTP/1.1" 200 5120 "-" "curl/8.5.0"
  * PostgreSQL through syslog (rsyslog BSD timestamps), with its session line prefix
        Nov  4 08:01:15 db-01 postgres[3120]: [7-1] FATAL:  password authentication failed for user "report"
  * a cloud provider's audit trail as NDJSON, typed by `eventName`, failing with `errorCode`
        {"eventTime": "...", "eventName": "CreateUser", "sourceIPAddress": "...", "errorCode": "AccessDenied", ...}

Every user, host, account number and address is invented; addresses come from the
documentation ranges (RFC 5737), names from RFC 2606. Deterministic (fixed seed):

    python3 eval/samples/make_services_log.py     # writes eval/samples/services.log
"""

import json
from datetime import datetime, timedelta, timezone

import samplegen

SEED = 1104
START = datetime(2025, 11, 4, 8, 0, 0, tzinfo=timezone.utc)
CLIENTS = ["192.0.2.44", "198.51.100.23", "203.0.113.61", "192.0.2.180"]
PATHS = ["/", "/cart", "/login", "/api/v2/orders?page=%d", "/static/app.%d.js"]
AGENTS = [
    "curl/8.5.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
    "python-requests/2.32.3",
]
DB_USERS = ["app", "report", "etl"]
DATABASES = ["shop", "analytics"]
CLOUD_USERS = ["ops-alice", "ci-runner", "ops-bob"]
EVENTS = ["ConsoleLogin", "CreateUser", "DeleteUser", "CreateAccessKey"]


def web(rng, t):
    path = rng.choice(PATHS)
    if "%d" in path:
        path = path % rng.randint(1, 40)
    method = "POST" if path == "/login" else rng.choice(["GET", "GET", "HEAD"])
    status = rng.choice([200, 200, 200, 302, 404, 500])
    size = 0 if method == "HEAD" else rng.randint(200, 90000)
    return '%s - - [%s] "%s %s HTTP/1.1" %d %d "-" "%s"' % (
        rng.choice(CLIENTS), t.strftime("%d/%b/%Y:%H:%M:%S +0000"), method, path, status, size,
        rng.choice(AGENTS))


def postgres(rng, t, pid, seq):
    head = "%s db-01 postgres[%d]: [%d-1] " % (t.strftime("%b %e %H:%M:%S"), pid, seq)
    user, db = rng.choice(DB_USERS), rng.choice(DATABASES)
    r = rng.random()
    if r < 0.4:
        return head + "LOG:  connection authorized: user=%s database=%s" % (user, db)
    if r < 0.7:
        return head + 'FATAL:  password authentication failed for user "%s"' % user
    return head + "LOG:  disconnection: session time: 0:00:%02d.%03d user=%s database=%s host=%s port=%d" % (
        rng.randint(0, 59), rng.randint(0, 999), user, db, rng.choice(CLIENTS), rng.randint(40000, 60000))


def cloud(rng, t):
    name = rng.choice(EVENTS)
    failed = rng.random() < 0.3
    record = {
        "eventVersion": "1.09",
        "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": "signin.example.com" if name == "ConsoleLogin" else "iam.example.com",
        "eventName": name,
        "awsRegion": "eu-north-1",
        "sourceIPAddress": rng.choice(CLIENTS),
        "userAgent": rng.choice(["console.example.com", "cli/2.15.0"]),
        "userIdentity": {"type": "IAMUser", "userName": rng.choice(CLOUD_USERS),
                         "accountId": "000011112222"},
        "errorCode": "AccessDenied" if failed else None,
        "requestID": "%08x-0000-4000-8000-%012x" % (rng.getrandbits(32), rng.getrandbits(48)),
    }
    return json.dumps(record)


def build(rng):
    out = []
    t = START
    pid, seq = 3100, 0
    for _ in range(100):
        t += timedelta(seconds=rng.randint(2, 90))
        r = rng.random()
        if r < 0.5:
            out.append(web(rng, t))
        elif r < 0.75:
            pid += rng.randint(1, 9)
            seq += 1
            out.append(postgres(rng, t, pid, seq))
        else:
            out.append(cloud(rng, t))
    return out


if __name__ == "__main__":
    samplegen.main(__doc__, "services.log", build, SEED)
