"""The fourth batch of eval/ecs-docs (README.md, "Fourth batch"): twelve more documented formats,
written on 2026-12-08 and half of them sealed before any change made for them. Same rules as the
first two batches: every line is written by the normforge team from the format's public
description, hosts, users and addresses are invented (RFC 5737 / RFC 2606 ranges), no line comes
from a vendor's or a parser's test data.
"""
import datetime


def epoch(iso):
    return datetime.datetime.fromisoformat(iso + "+00:00").timestamp()


def add(files, ev, j):
    # Caddy's structured access log (Caddy documentation, "log" directive and the
    # `http.log.access` logger: ts in epoch seconds, request.remote_ip and remote_port, status).
    def caddy(t, ip, port, method, uri, status, user=""):
        return j({"level": "info", "ts": epoch(t), "logger": "http.log.access.log0", "msg": "handled request",
                  "request": {"remote_ip": ip, "remote_port": str(port), "client_ip": ip, "proto": "HTTP/2.0",
                              "method": method, "host": "example.com", "uri": uri,
                              "headers": {"User-Agent": ["curl/8.5.0"]}},
                  "bytes_read": 0, "user_id": user, "duration": 0.0012, "size": 1234, "status": status,
                  "resp_headers": {"Content-Type": ["text/html"]}})

    files["caddy"] = [
        (caddy("2025-03-10T12:00:01.250", "198.51.100.7", 51234, "GET", "/index.html", 200),
         ev("2025-03-10T12:00:01.250Z", "198.51.100.7", 51234, outcome="success")),
        (caddy("2025-03-10T12:00:03.500", "198.51.100.8", 51300, "GET", "/admin", 403, "alice"),
         ev("2025-03-10T12:00:03.500Z", "198.51.100.8", 51300, user="alice", outcome="failure")),
        (caddy("2025-03-10T12:00:07.000", "203.0.113.61", 40100, "POST", "/api/v1/items", 201, "bob"),
         ev("2025-03-10T12:00:07.000Z", "203.0.113.61", 40100, user="bob", outcome="success")),
    ]

    # Exim main log (Exim specification, "Log files": `<=` message arrival with H=host [address]:port
    # and A=authenticator:id, rejections, authenticator failures with set_id).
    files["exim"] = [
        ("2025-03-10 12:10:01 1tXYZa-000123-AB <= alice@example.com H=mail.example.org [198.51.100.7]:52344 "
         "P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:alice S=2345 id=m1@example.org",
         ev("2025-03-10T12:10:01.000Z", "198.51.100.7", 52344, user="alice")),
        ("2025-03-10 12:10:05 1tXYZb-000124-CD <= bob@example.com H=mx.example.net [203.0.113.20]:40222 "
         "P=esmtpsa X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no A=dovecot_plain:bob S=812 id=m2@example.net",
         ev("2025-03-10T12:10:05.000Z", "203.0.113.20", 40222, user="bob")),
        ("2025-03-10 12:10:09 dovecot_plain authenticator failed for (client.example) [198.51.100.8]:50000: "
         "535 Incorrect authentication data (set_id=carol)",
         ev("2025-03-10T12:10:09.000Z", "198.51.100.8", 50000, user="carol", outcome="failure")),
        ("2025-03-10 12:10:12 dovecot_plain authenticator failed for (client.example) [198.51.100.9]:50002: "
         "535 Incorrect authentication data (set_id=dave)",
         ev("2025-03-10T12:10:12.000Z", "198.51.100.9", 50002, user="dave", outcome="failure")),
    ]

    # fail2ban's own log (fail2ban documentation and its `fail2ban.log`: time with milliseconds
    # after a comma, the logger, the jail in brackets, Found / Ban / Unban and the address).
    files["fail2ban"] = [
        ("2025-03-10 12:20:01,123 fail2ban.filter         [1234]: INFO    [sshd] Found 198.51.100.7 - 2025-03-10 12:20:00",
         ev("2025-03-10T12:20:01.123Z", "198.51.100.7")),
        ("2025-03-10 12:20:04,456 fail2ban.actions        [1234]: NOTICE  [sshd] Ban 198.51.100.7",
         ev("2025-03-10T12:20:04.456Z", "198.51.100.7")),
        ("2025-03-10 12:30:04,789 fail2ban.actions        [1234]: NOTICE  [sshd] Unban 198.51.100.7",
         ev("2025-03-10T12:30:04.789Z", "198.51.100.7")),
        ("2025-03-10 12:31:00,001 fail2ban.filter         [1234]: INFO    [postfix-sasl] Found 203.0.113.44 - 2025-03-10 12:30:59",
         ev("2025-03-10T12:31:00.001Z", "203.0.113.44")),
    ]

    # MIT Kerberos KDC log (MIT Kerberos documentation, krb5kdc: AS_REQ / TGS_REQ lines with the
    # client address, ISSUE or the error name, then client principal `for` server principal).
    def kdc(t, req, ip, status, client, server, tail=""):
        return (f"Mar 10 {t} kdc1 krb5kdc[2101](info): {req} (4 etypes {{18 17 20 19}}) {ip}: {status}: "
                f"{client} for {server}{tail}")

    files["krb5kdc"] = [
        (kdc("12:40:01", "AS_REQ", "198.51.100.7", "ISSUE", "alice@EXAMPLE.COM", "krbtgt/EXAMPLE.COM@EXAMPLE.COM",
             ""),
         ev("2025-03-10T12:40:01.000Z", "198.51.100.7", user="alice@EXAMPLE.COM", outcome="success")),
        (kdc("12:40:05", "AS_REQ", "198.51.100.8", "PREAUTH_FAILED", "bob@EXAMPLE.COM",
             "krbtgt/EXAMPLE.COM@EXAMPLE.COM", ", Preauthentication failed"),
         ev("2025-03-10T12:40:05.000Z", "198.51.100.8", user="bob@EXAMPLE.COM", outcome="failure")),
        (kdc("12:40:09", "AS_REQ", "203.0.113.9", "CLIENT_NOT_FOUND", "mallory@EXAMPLE.COM",
             "krbtgt/EXAMPLE.COM@EXAMPLE.COM", ", Client not found in Kerberos database"),
         ev("2025-03-10T12:40:09.000Z", "203.0.113.9", user="mallory@EXAMPLE.COM", outcome="failure")),
    ]

    # Cisco Meraki MX syslog, flows and firewall roles (Meraki documentation, "Syslog Server
    # Overview and Configuration": epoch time with nanoseconds, device, role, src dst mac protocol
    # sport dport, pattern).
    def meraki(t, role, src, dst, proto, sport, dport, pattern):
        return (f"<134>1 {epoch(t):.9f} MX84 {role} src={src} dst={dst} mac=00:18:0A:00:00:01 "
                f"protocol={proto} sport={sport} dport={dport} pattern: {pattern}")

    files["meraki"] = [
        (meraki("2025-03-10T12:50:01", "flows", "192.168.10.25", "198.51.100.53", "udp", 9562, 53, "allow all"),
         ev("2025-03-10T12:50:01.000Z", "192.168.10.25", 9562, "198.51.100.53", 53, transport="udp")),
        (meraki("2025-03-10T12:50:05", "firewall", "192.168.10.26", "203.0.113.80", "tcp", 51000, 443, "allow all"),
         ev("2025-03-10T12:50:05.000Z", "192.168.10.26", 51000, "203.0.113.80", 443, transport="tcp")),
        (meraki("2025-03-10T12:50:09", "flows", "198.51.100.99", "192.168.10.1", "tcp", 40404, 23, "1 all"),
         ev("2025-03-10T12:50:09.000Z", "198.51.100.99", 40404, "192.168.10.1", 23, transport="tcp")),
    ]

    # MikroTik RouterOS firewall rule with action=log (RouterOS manual, "Filter": in-interface,
    # out-interface, src-mac, protocol, src-ip:port->dst-ip:port and the packet length), as a
    # syslog server stores it with the topics `firewall,info`.
    def mikrotik(t, chain, proto, src, sport, dst, dport):
        return (f"Mar 10 {t} router firewall,info {chain}: in:ether1 out:(unknown 0), src-mac 00:0c:42:00:00:01, "
                f"proto {proto}, {src}:{sport}->{dst}:{dport}, len 60")

    files["mikrotik"] = [
        (mikrotik("13:00:01", "input", "TCP (SYN)", "198.51.100.7", 51234, "10.0.0.1", 22),
         ev("2025-03-10T13:00:01.000Z", "198.51.100.7", 51234, "10.0.0.1", 22, transport="tcp")),
        (mikrotik("13:00:05", "input", "UDP", "198.51.100.8", 5353, "10.0.0.1", 53),
         ev("2025-03-10T13:00:05.000Z", "198.51.100.8", 5353, "10.0.0.1", 53, transport="udp")),
        (mikrotik("13:00:09", "forward", "TCP (SYN)", "203.0.113.5", 40000, "10.0.0.20", 3389),
         ev("2025-03-10T13:00:09.000Z", "203.0.113.5", 40000, "10.0.0.20", 3389, transport="tcp")),
    ]

    # MongoDB structured log messages, 4.4 and later (MongoDB manual, "Log Messages": t.$date, s,
    # c, id, ctx, msg, attr; ACCESS 20250 "Authentication succeeded", 20249 "Authentication failed",
    # NETWORK 22943 "Connection accepted" with attr.remote address:port).
    def mongo(t, c, i, msg, attr):
        return j({"t": {"$date": t}, "s": "I", "c": c, "id": i, "ctx": "conn12", "msg": msg, "attr": attr})

    files["mongodb"] = [
        (mongo("2025-03-10T13:10:01.123+00:00", "NETWORK", 22943, "Connection accepted",
               {"remote": "198.51.100.7:51234", "uuid": "7b1c7f10-0000-4000-8000-000000000001",
                "connectionId": 12, "connectionCount": 3}),
         ev("2025-03-10T13:10:01.123Z", "198.51.100.7", 51234)),
        (mongo("2025-03-10T13:10:01.456+00:00", "ACCESS", 20250, "Authentication succeeded",
               {"mechanism": "SCRAM-SHA-256", "speculative": True, "principalName": "alice",
                "authenticationDatabase": "admin", "remote": "198.51.100.7:51234", "extraInfo": {}}),
         ev("2025-03-10T13:10:01.456Z", "198.51.100.7", 51234, user="alice", outcome="success")),
        (mongo("2025-03-10T13:10:05.000+00:00", "ACCESS", 20249, "Authentication failed",
               {"mechanism": "SCRAM-SHA-256", "speculative": False, "principalName": "bob",
                "authenticationDatabase": "admin", "remote": "203.0.113.9:40000", "extraInfo": {},
                "error": "AuthenticationFailed: SCRAM authentication failed, storedKey mismatch"}),
         ev("2025-03-10T13:10:05.000Z", "203.0.113.9", 40000, user="bob", outcome="failure")),
    ]

    # Suricata fast.log (Suricata user guide, "fast.log": time, [**] [gid:sid:rev] message [**],
    # classification, priority, {PROTO} src:port -> dst:port).
    def fast(t, sid, msg, cls, prio, proto, src, sport, dst, dport):
        return (f"03/10/2025-{t}  [**] [1:{sid}:3] {msg} [**] [Classification: {cls}] [Priority: {prio}] "
                f"{{{proto}}} {src}:{sport} -> {dst}:{dport}")

    files["suricata-fast"] = [
        (fast("13:20:01.123456", 2001219, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2,
              "TCP", "198.51.100.7", 51234, "10.0.0.5", 22),
         ev("2025-03-10T13:20:01.123Z", "198.51.100.7", 51234, "10.0.0.5", 22, transport="tcp")),
        (fast("13:20:05.000001", 2027863, "ET INFO Observed DNS Query to .cloud TLD", "Potentially Bad Traffic", 2,
              "UDP", "10.0.0.6", 53000, "198.51.100.53", 53),
         ev("2025-03-10T13:20:05.000Z", "10.0.0.6", 53000, "198.51.100.53", 53, transport="udp")),
        (fast("13:20:09.500000", 2010935, "ET SCAN Suspicious inbound to MSSQL port 1433", "Potentially Bad Traffic", 2,
              "TCP", "203.0.113.77", 40100, "10.0.0.7", 1433),
         ev("2025-03-10T13:20:09.500Z", "203.0.113.77", 40100, "10.0.0.7", 1433, transport="tcp")),
    ]

    # Traefik access log in JSON (Traefik documentation, "Access Logs": ClientHost, ClientPort,
    # ClientUsername, DownstreamStatus, ServiceAddr, StartUTC).
    def traefik(t, host, port, user, method, path, status, svc):
        return j({"ClientAddr": f"{host}:{port}", "ClientHost": host, "ClientPort": str(port),
                  "ClientUsername": user, "DownstreamContentSize": 512, "DownstreamStatus": status,
                  "Duration": 1830000, "OriginContentSize": 512, "OriginDuration": 1710000,
                  "OriginStatus": status, "Overhead": 120000, "RequestAddr": "example.com",
                  "RequestContentSize": 0, "RequestCount": 7, "RequestHost": "example.com",
                  "RequestMethod": method, "RequestPath": path, "RequestPort": "-",
                  "RequestProtocol": "HTTP/1.1", "RequestScheme": "https", "RetryAttempts": 0,
                  "RouterName": "web@docker", "ServiceAddr": svc, "ServiceName": "web@docker",
                  "ServiceURL": f"http://{svc}", "StartLocal": t, "StartUTC": t,
                  "entryPointName": "websecure", "level": "info", "msg": "", "time": t[:19] + "Z"})

    files["traefik"] = [
        (traefik("2025-03-10T13:30:01.123456789Z", "198.51.100.7", 51234, "-", "GET", "/", 200, "10.0.0.11:80"),
         ev("2025-03-10T13:30:01.123Z", "198.51.100.7", 51234, "10.0.0.11", 80, outcome="success")),
        (traefik("2025-03-10T13:30:05.000000001Z", "198.51.100.8", 51300, "alice", "GET", "/admin", 401,
                 "10.0.0.11:80"),
         ev("2025-03-10T13:30:05.000Z", "198.51.100.8", 51300, "10.0.0.11", 80, user="alice", outcome="failure")),
        (traefik("2025-03-10T13:30:09.500000000Z", "203.0.113.61", 40100, "bob", "POST", "/api", 201, "10.0.0.12:8080"),
         ev("2025-03-10T13:30:09.500Z", "203.0.113.61", 40100, "10.0.0.12", 8080, user="bob", outcome="success")),
    ]

    # HashiCorp Vault file audit device (Vault documentation, "Audit devices": one JSON object per
    # request and response; request.remote_address, remote_port, auth.metadata.username, error).
    def vault(t, typ, ip, port, user, path, error=None):
        r = {"time": t, "type": typ,
             "auth": {"client_token": "hmac-sha256:5d4c0a8b", "accessor": "hmac-sha256:1f2e3d4c",
                      "display_name": f"userpass-{user}", "policies": ["default"],
                      "metadata": {"username": user}, "entity_id": "0a1b2c3d-0000-4000-8000-000000000001",
                      "token_type": "service"},
             "request": {"id": "9f8e7d6c-0000-4000-8000-000000000002", "operation": "update",
                         "mount_type": "userpass", "path": path, "remote_address": ip, "remote_port": port}}
        if error:
            r["error"] = error
        return j(r)

    files["vault-audit"] = [
        (vault("2025-03-10T13:40:01.123456Z", "response", "198.51.100.7", 51234, "alice",
               "auth/userpass/login/alice"),
         ev("2025-03-10T13:40:01.123Z", "198.51.100.7", 51234, user="alice", outcome="success")),
        (vault("2025-03-10T13:40:05.000001Z", "response", "198.51.100.8", 51300, "bob",
               "auth/userpass/login/bob", "invalid username or password"),
         ev("2025-03-10T13:40:05.000Z", "198.51.100.8", 51300, user="bob", outcome="failure")),
        (vault("2025-03-10T13:40:09.500000Z", "response", "203.0.113.61", 40100, "carol", "secret/data/app"),
         ev("2025-03-10T13:40:09.500Z", "203.0.113.61", 40100, user="carol", outcome="success")),
    ]

    # vsftpd's own log format (vsftpd.conf(5), `xferlog_std_format=NO`, and its logging.c: the
    # time as ctime writes it, [pid N], [user], OK or FAIL and the verb, Client "address").
    files["vsftpd"] = [
        ('Mon Mar 10 13:50:01 2025 [pid 4242] [alice] OK LOGIN: Client "198.51.100.7"',
         ev("2025-03-10T13:50:01.000Z", "198.51.100.7", user="alice", outcome="success")),
        ('Mon Mar 10 13:50:05 2025 [pid 4250] [bob] FAIL LOGIN: Client "198.51.100.8"',
         ev("2025-03-10T13:50:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        ('Mon Mar 10 13:50:20 2025 [pid 4244] [alice] OK DOWNLOAD: Client "198.51.100.7", "/home/alice/report.pdf", '
         '48213 bytes, 512.30Kbyte/sec',
         ev("2025-03-10T13:50:20.000Z", "198.51.100.7", user="alice", outcome="success")),
        ('Mon Mar 10 13:50:31 2025 [pid 4251] [carol] FAIL LOGIN: Client "203.0.113.30"',
         ev("2025-03-10T13:50:31.000Z", "203.0.113.30", user="carol", outcome="failure")),
    ]

    # Windows Defender Firewall log, pfirewall.log (Microsoft Learn, "Configure Windows Firewall
    # logging": W3C extended fields date time action protocol src-ip dst-ip src-port dst-port size
    # tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path), data lines only.
    def wf(t, action, proto, src, dst, sport, dport, path):
        tcp = "52 S 1234567890 0 64240" if proto == "TCP" else "72 - - - -"
        return f"2025-03-10 {t} {action} {proto} {src} {dst} {sport} {dport} {tcp} - - - {path}"

    files["windows-firewall"] = [
        (wf("14:00:01", "DROP", "TCP", "198.51.100.7", "10.0.0.5", 51234, 3389, "RECEIVE"),
         ev("2025-03-10T14:00:01.000Z", "198.51.100.7", 51234, "10.0.0.5", 3389, transport="tcp")),
        (wf("14:00:05", "ALLOW", "UDP", "10.0.0.5", "198.51.100.53", 53000, 53, "SEND"),
         ev("2025-03-10T14:00:05.000Z", "10.0.0.5", 53000, "198.51.100.53", 53, transport="udp")),
        (wf("14:00:09", "ALLOW", "TCP", "10.0.0.5", "203.0.113.80", 51500, 443, "SEND"),
         ev("2025-03-10T14:00:09.000Z", "10.0.0.5", 51500, "203.0.113.80", 443, transport="tcp")),
    ]
