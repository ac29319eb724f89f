#!/usr/bin/env python3
"""Generate eval/samples/linux-host.log: a synthetic day of one Linux server's own programs.

The host `app-07` (RFC 3339 syslog timestamps, as rsyslog writes them) logs what its base
system does, the cases the TEXT engine must read without a rule of its own:

  * sudo command records, `;`-separated pairs with spaces in values and optional keys
                                   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id
  * su switching users             (to postgres) alice on pts/1 / FAILED SU (to root) guest on pts/2
  * account management             new user: name=…, UID=…  / delete user '…'
  * systemd units                  Started nginx.service - … / Failed to start … / …: Main process exited
  * the kernel's packet filter     [UFW BLOCK] IN=eth0 OUT= … SRC=… DST=… PROTO=TCP SPT=… DPT=…
  * cron jobs                      (root) CMD (run-parts /etc/cron.hourly)

Every user, host and address is invented; addresses come from the documentation ranges
(RFC 5737). Deterministic (fixed seed):

    python3 eval/samples/make_linux_host_log.py     # writes eval/samples/linux-host.log
"""

from datetime import datetime, timedelta, timezone

import samplegen

SEED = 707
START = datetime(2025, 9, 2, 6, 0, 0, tzinfo=timezone.utc)
HOST = "app-07"
USERS = ["alice", "bob", "deploy", "carol"]
COMMANDS = [
    "/usr/bin/systemctl restart nginx",
    "/usr/bin/apt-get -y upgrade",
    "/usr/bin/journalctl -u nginx --since today",
    "/bin/cat /var/log/nginx/error.log",
    "/usr/bin/docker ps -a",
    "/usr/sbin/ufw status verbose",
]
UNITS = {
    "nginx.service": "A high performance web server and a reverse proxy server",
    "postgresql.service": "PostgreSQL RDBMS",
    "docker.service": "Docker Application Container Engine",
    "backup.service": "Nightly backup",
}
PEERS = ["203.0.113.9", "198.51.100.77", "192.0.2.201", "203.0.113.140"]


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+00:00" % (t.microsecond // 1000)


def line(t, prog, msg):
    return "%s %s %s: %s" % (stamp(t), HOST, prog, msg)


def build(rng):
    out = []
    t = START
    pid = 4000
    for _ in range(90):
        t += timedelta(seconds=rng.randint(20, 600), milliseconds=rng.randint(0, 999))
        pid += rng.randint(1, 40)
        r = rng.random()
        if r < 0.25:
            user = rng.choice(USERS)
            extra = rng.choice(["", "", " ; GROUP=adm", " ; ENV=LANG=C.UTF-8"])
            tty = rng.choice(["pts/0", "pts/1", "pts/2", "unknown"])
            out.append(line(t, "sudo", "%s%s : TTY=%s ; PWD=/home/%s ; USER=root%s ; COMMAND=%s"
                            % (" " * rng.randint(1, 4), user, tty, user, extra, rng.choice(COMMANDS))))
        elif r < 0.35:
            user, target = rng.choice(USERS), rng.choice(["root", "postgres"])
            tty = rng.choice(["pts/0", "pts/1", "pts/3"])
            if rng.random() < 0.3:
                out.append(line(t, "su[%d]" % pid, "FAILED SU (to %s) %s on %s" % (target, user, tty)))
            else:
                out.append(line(t, "su[%d]" % pid, "(to %s) %s on %s" % (target, user, tty)))
        elif r < 0.42:
            name = "svc-%s" % rng.choice(["report", "sync", "ci", "backup"])
            uid = rng.randint(990, 999)
            if rng.random() < 0.6:
                out.append(line(t, "useradd[%d]" % pid,
                                "new user: name=%s, UID=%d, GID=%d, home=/var/lib/%s, shell=/usr/sbin/nologin, from=none"
                                % (name, uid, uid, name)))
            else:
                out.append(line(t, "userdel[%d]" % pid, "delete user '%s'" % name))
        elif r < 0.62:
            unit = rng.choice(sorted(UNITS))
            kind = rng.random()
            if kind < 0.4:
                out.append(line(t, "systemd[1]", "Started %s - %s." % (unit, UNITS[unit])))
            elif kind < 0.7:
                out.append(line(t, "systemd[1]", "Stopped %s - %s." % (unit, UNITS[unit])))
            elif kind < 0.85:
                out.append(line(t, "systemd[1]", "Failed to start %s - %s." % (unit, UNITS[unit])))
            else:
                out.append(line(t, "systemd[1]", "%s: Main process exited, code=exited, status=1/FAILURE" % unit))
        elif r < 0.85:
            verdict = "BLOCK" if rng.random() < 0.75 else "ALLOW"
            proto, dport = rng.choice([("TCP", 22), ("TCP", 23), ("TCP", 3389), ("UDP", 161)])
            flags = " WINDOW=29200 RES=0x00 SYN URGP=0" if proto == "TCP" else " LEN=40"
            out.append(line(t, "kernel", "[UFW %s] IN=eth0 OUT= MAC=52:54:00:aa:bb:cc:52:54:00:dd:ee:ff:08:00 "
                                         "SRC=%s DST=192.0.2.10 LEN=60 TOS=0x00 PREC=0x00 TTL=%d ID=%d DF PROTO=%s SPT=%d DPT=%d%s"
                            % (verdict, rng.choice(PEERS), rng.randint(40, 64), rng.randint(1000, 65000), proto,
                               rng.randint(1024, 65535), dport, flags)))
        else:
            user, job = rng.choice([("root", "cd / && run-parts --report /etc/cron.hourly"),
                                    ("postgres", "/usr/local/bin/pg_backup.sh --incremental")])
            out.append(line(t, "CRON[%d]" % pid, "(%s) CMD (%s)" % (user, job)))
    return out


if __name__ == "__main__":
    samplegen.main(__doc__, "linux-host.log", build, SEED)
