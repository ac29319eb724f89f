"""The fifth batch of eval/ecs-docs (README.md, "Fifth batch"): twelve documented formats whose
accounts and addresses are written in prose or in brackets rather than under a key (login
services, FTP and mail servers, remote desktops, file servers, brute-force blockers), written on
2026-12-08 and half of them sealed before any change made for them. Same rules as the other
batches: every line is written by the normforge team from the format's public description,
hosts, users and addresses are invented (RFC 5737 / RFC 2606 ranges), no line comes from a
vendor's or a parser's test data.
"""


def add(files, ev, j):
    # Courier IMAP/POP3 login daemon through syslog (Courier documentation, imapd(8): `LOGIN,
    # user=…, ip=[…], port=[…], protocol=IMAP`, `LOGIN FAILED, user=…, ip=[…]`).
    files["courier-imap"] = [
        ("Mar 10 14:20:01 mail imapd: LOGIN, user=alice, ip=[198.51.100.7], port=[51234], protocol=IMAP",
         ev("2025-03-10T14:20:01.000Z", "198.51.100.7", 51234, user="alice", outcome="success")),
        ("Mar 10 14:20:05 mail imapd: LOGIN FAILED, user=bob, ip=[198.51.100.8]",
         ev("2025-03-10T14:20:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        ("Mar 10 14:20:09 mail imapd: LOGIN, user=carol, ip=[203.0.113.9], port=[40000], protocol=IMAP",
         ev("2025-03-10T14:20:09.000Z", "203.0.113.9", 40000, user="carol", outcome="success")),
    ]

    # Dropbear SSH server through syslog (its svr-auth.c and svr-authpasswd.c messages: the user
    # in single quotes, the client as address:port).
    files["dropbear"] = [
        ("Mar 10 14:10:01 ap1 dropbear[1234]: Password auth succeeded for 'alice' from 198.51.100.7:51234",
         ev("2025-03-10T14:10:01.000Z", "198.51.100.7", 51234, user="alice", outcome="success")),
        ("Mar 10 14:10:05 ap1 dropbear[1240]: Bad password attempt for 'bob' from 198.51.100.8:51300",
         ev("2025-03-10T14:10:05.000Z", "198.51.100.8", 51300, user="bob", outcome="failure")),
        ("Mar 10 14:10:09 ap1 dropbear[1250]: Bad password attempt for 'root' from 203.0.113.9:40000",
         ev("2025-03-10T14:10:09.000Z", "203.0.113.9", 40000, user="root", outcome="failure")),
    ]

    # FreeRADIUS 3 radius.log (FreeRADIUS documentation, `auth = yes` logging: `Auth: (n) Login OK:
    # [user] (from client … port … cli …)`, `Login incorrect (…): [user] (…)`).
    files["freeradius"] = [
        ("Mon Mar 10 14:30:01 2025 : Auth: (12) Login OK: [alice] (from client nas1 port 0 cli 02-00-00-00-00-01)",
         ev("2025-03-10T14:30:01.000Z", user="alice", outcome="success")),
        ("Mon Mar 10 14:30:05 2025 : Auth: (13) Login incorrect (pap: Cleartext password does not match \"known good\" "
         "password): [bob] (from client nas1 port 0 cli 02-00-00-00-00-02)",
         ev("2025-03-10T14:30:05.000Z", user="bob", outcome="failure")),
        ("Mon Mar 10 14:30:09 2025 : Auth: (14) Login OK: [carol] (from client nas2 port 1 cli 02-00-00-00-00-03)",
         ev("2025-03-10T14:30:09.000Z", user="carol", outcome="success")),
    ]

    # Gitea's log (Gitea documentation, "Fail2ban setup": `Failed authentication attempt for
    # <user> from <address>:<port>`), its own time and caller prefix.
    def gitea(t, user, ip, port, why):
        return (f"2025/03/10 {t} ...rs/web/auth/auth.go:187:SignInPost() [I] Failed authentication attempt "
                f"for {user} from {ip}:{port}: {why}")

    files["gitea"] = [
        (gitea("14:40:01", "alice", "198.51.100.7", 51234, "user's password is invalid"),
         ev("2025-03-10T14:40:01.000Z", "198.51.100.7", 51234, user="alice", outcome="failure")),
        (gitea("14:40:05", "bob", "198.51.100.8", 51300, "user does not exist"),
         ev("2025-03-10T14:40:05.000Z", "198.51.100.8", 51300, user="bob", outcome="failure")),
        (gitea("14:40:09", "carol", "203.0.113.9", 40000, "user's password is invalid"),
         ev("2025-03-10T14:40:09.000Z", "203.0.113.9", 40000, user="carol", outcome="failure")),
    ]

    # Grafana server log in logfmt (Grafana documentation, "Configure logging": the context
    # logger's `uname`, `remote_addr`, `status` of a completed request).
    def grafana(t, uid, uname, method, path, status, ip):
        return (f'logger=context userId={uid} orgId=1 uname={uname} t={t} level=info msg="Request Completed" '
                f"method={method} path={path} status={status} remote_addr={ip} time_ms=12 duration=12.3ms size=1234 "
                f"referer=")

    files["grafana"] = [
        (grafana("2025-03-10T14:50:01.123Z", 1, "alice", "GET", "/api/dashboards/home", 200, "198.51.100.7"),
         ev("2025-03-10T14:50:01.123Z", "198.51.100.7", user="alice", outcome="success")),
        (grafana("2025-03-10T14:50:05.000Z", 2, "bob", "GET", "/api/admin/users", 403, "198.51.100.8"),
         ev("2025-03-10T14:50:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        (grafana("2025-03-10T14:50:09.500Z", 1, "alice", "POST", "/api/dashboards/db", 200, "198.51.100.7"),
         ev("2025-03-10T14:50:09.500Z", "198.51.100.7", user="alice", outcome="success")),
    ]

    # Nextcloud's nextcloud.log (Nextcloud administration manual, "Logging": one JSON object per
    # line, remoteAddr, the message `Login failed: <user> (Remote IP: <address>)`).
    def nc(t, rid, ip, user):
        return j({"reqId": rid, "level": 2, "time": t, "remoteAddr": ip, "user": "--",
                  "app": "no app in context", "method": "POST", "url": "/login",
                  "message": f"Login failed: {user} (Remote IP: {ip})", "userAgent": "Mozilla/5.0",
                  "version": "28.0.1.1"})

    files["nextcloud"] = [
        (nc("2025-03-10T15:00:01+00:00", "a1B2c3D4e5F6g7H8i9J0", "198.51.100.7", "alice"),
         ev("2025-03-10T15:00:01.000Z", "198.51.100.7", user="alice", outcome="failure")),
        (nc("2025-03-10T15:00:05+00:00", "b2C3d4E5f6G7h8I9j0K1", "198.51.100.8", "bob"),
         ev("2025-03-10T15:00:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        (nc("2025-03-10T15:00:09+00:00", "c3D4e5F6g7H8i9J0k1L2", "203.0.113.9", "carol"),
         ev("2025-03-10T15:00:09.000Z", "203.0.113.9", user="carol", outcome="failure")),
    ]

    # ProFTPD through syslog (ProFTPD documentation, "Logging": `server (name[address]) - USER
    # user: Login successful.`, `USER user (Login failed): Incorrect password`).
    files["proftpd"] = [
        ("Mar 10 15:20:01 ftp proftpd[2345]: ftp.example.com (client1.example.org[198.51.100.7]) - USER alice: "
         "Login successful.",
         ev("2025-03-10T15:20:01.000Z", "198.51.100.7", user="alice", outcome="success")),
        ("Mar 10 15:20:05 ftp proftpd[2346]: ftp.example.com (client2.example.org[198.51.100.8]) - USER bob "
         "(Login failed): Incorrect password",
         ev("2025-03-10T15:20:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        ("Mar 10 15:20:09 ftp proftpd[2347]: ftp.example.com (client3.example.org[203.0.113.9]) - USER carol: "
         "Login successful.",
         ev("2025-03-10T15:20:09.000Z", "203.0.113.9", user="carol", outcome="success")),
    ]

    # Pure-FTPd through syslog (Pure-FTPd's log messages: `(?@address) [INFO] user is now logged
    # in`, `[WARNING] Authentication failed for user [user]`).
    files["pure-ftpd"] = [
        ("Mar 10 15:30:01 ftp pure-ftpd: (?@198.51.100.7) [INFO] alice is now logged in",
         ev("2025-03-10T15:30:01.000Z", "198.51.100.7", user="alice", outcome="success")),
        ("Mar 10 15:30:05 ftp pure-ftpd: (?@198.51.100.8) [WARNING] Authentication failed for user [bob]",
         ev("2025-03-10T15:30:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        ("Mar 10 15:30:09 ftp pure-ftpd: (?@203.0.113.9) [WARNING] Authentication failed for user [carol]",
         ev("2025-03-10T15:30:09.000Z", "203.0.113.9", user="carol", outcome="failure")),
    ]

    # Samba authentication audit, `log level = 1 auth_audit:3` (Samba wiki, "Setting up Audit
    # Logging": `Auth: [service,auth] user [DOMAIN]\[user] at [time] with [type] status [NT
    # status] workstation [..] remote host [ipv4:address:port] … local host [ipv4:address:port]`).
    def samba(t, user, status, ip, port):
        became = f" became [EXAMPLE]\\[{user}] [S-1-5-21-1-2-3-1104]." if status == "NT_STATUS_OK" else ""
        return (f"Mar 10 {t} dc1 smbd[3456]:   Auth: [SMB2,(null)] user [EXAMPLE]\\[{user}] at "
                f"[Mon, 10 Mar 2025 {t}.123456 UTC] with [NTLMv2] status [{status}] workstation [WS1] "
                f"remote host [ipv4:{ip}:{port}]{became} local host [ipv4:10.0.0.5:445]  NETLOGON computer [(null)] "
                f"trust account [(null)]")

    files["samba"] = [
        (samba("15:40:01", "alice", "NT_STATUS_OK", "198.51.100.7", 51234),
         ev("2025-03-10T15:40:01.000Z", "198.51.100.7", 51234, "10.0.0.5", 445, user="alice", outcome="success")),
        (samba("15:40:05", "bob", "NT_STATUS_WRONG_PASSWORD", "198.51.100.8", 51300),
         ev("2025-03-10T15:40:05.000Z", "198.51.100.8", 51300, "10.0.0.5", 445, user="bob", outcome="failure")),
        (samba("15:40:09", "carol", "NT_STATUS_OK", "203.0.113.9", 40000),
         ev("2025-03-10T15:40:09.000Z", "203.0.113.9", 40000, "10.0.0.5", 445, user="carol", outcome="success")),
    ]

    # sshguard through syslog (sshguard(8) and its log messages: `Attack from "address" on service
    # N with danger N.`, `Blocking "address/prefix" for N secs …`).
    files["sshguard"] = [
        ('Mar 10 15:50:01 gw sshguard[678]: Attack from "198.51.100.7" on service 100 with danger 10.',
         ev("2025-03-10T15:50:01.000Z", "198.51.100.7")),
        ('Mar 10 15:50:02 gw sshguard[678]: Attack from "198.51.100.8" on service 100 with danger 10.',
         ev("2025-03-10T15:50:02.000Z", "198.51.100.8")),
        ('Mar 10 15:50:05 gw sshguard[678]: Blocking "198.51.100.7/32" for 120 secs (3 attacks in 5 secs, after 1 '
         'abuses over 5 secs.)',
         ev("2025-03-10T15:50:05.000Z", "198.51.100.7")),
    ]

    # Teleport audit log (Teleport documentation, "Audit events": one JSON object per event,
    # `event`, `code`, `user`, `success`, `addr.remote`, `time`).
    def tp(t, code, user, ok, ip, port):
        r = {"addr.remote": f"{ip}:{port}", "cluster_name": "teleport.example.com", "code": code,
             "ei": 0, "event": "user.login", "method": "local", "success": ok, "time": t,
             "uid": "3f1c9b2a-0000-4000-8000-00000000000" + str(port % 10), "user": user}
        if not ok:
            r["error"] = "invalid username, password or second factor"
        return j(r)

    files["teleport"] = [
        (tp("2025-03-10T15:10:01.123Z", "T1000I", "alice", True, "198.51.100.7", 51234),
         ev("2025-03-10T15:10:01.123Z", "198.51.100.7", 51234, user="alice", outcome="success")),
        (tp("2025-03-10T15:10:05.000Z", "T1000W", "bob", False, "198.51.100.8", 51300),
         ev("2025-03-10T15:10:05.000Z", "198.51.100.8", 51300, user="bob", outcome="failure")),
        (tp("2025-03-10T15:10:09.500Z", "T1000I", "carol", True, "203.0.113.9", 40000),
         ev("2025-03-10T15:10:09.500Z", "203.0.113.9", 40000, user="carol", outcome="success")),
    ]

    # xrdp session manager through syslog (xrdp's sesman: `++ created session (access control):
    # username …, ip address:port - socket: N`, `AUTHFAIL: user=… ip=… time=…`).
    files["xrdp"] = [
        ("Mar 10 16:00:01 rdp1 xrdp-sesman[4321]: [INFO ] ++ created session (access control): username alice, "
         "ip 198.51.100.7:51234 - socket: 12",
         ev("2025-03-10T16:00:01.000Z", "198.51.100.7", 51234, user="alice", outcome="success")),
        ("Mar 10 16:00:05 rdp1 xrdp-sesman[4321]: [INFO ] AUTHFAIL: user=bob ip=198.51.100.8:51300 time=1741622405",
         ev("2025-03-10T16:00:05.000Z", "198.51.100.8", 51300, user="bob", outcome="failure")),
        ("Mar 10 16:00:09 rdp1 xrdp-sesman[4321]: [INFO ] ++ created session (access control): username carol, "
         "ip 203.0.113.9:40000 - socket: 13",
         ev("2025-03-10T16:00:09.000Z", "203.0.113.9", 40000, user="carol", outcome="success")),
    ]
