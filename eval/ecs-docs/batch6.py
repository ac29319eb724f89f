"""The sixth batch of eval/ecs-docs (README.md, "Sixth batch"): twelve more documented formats,
written on 2026-12-08 after this session's mechanisms had landed, and half of them sealed before
any change made for them: their untouched figure is the unseen-format figure of the engine as it
stands. Same rules as the other batches: every line is written by the normforge team from the
format's public description, hosts, users and addresses are invented (RFC 5737 / RFC 2606
ranges), no line comes from a vendor's or a parser's test data.
"""
import datetime


def epoch_ms(iso):
    return int(datetime.datetime.fromisoformat(iso + "+00:00").timestamp() * 1000)


def add(files, ev, j):
    # Auth0 tenant logs (Auth0 docs, "Log Event Type Codes": `type` s = successful login,
    # f = failed login; `ip`, `user_name`, `date`).
    def auth0(t, typ, ip, user, desc):
        return j({"date": t, "type": typ, "description": desc, "connection": "Username-Password-Authentication",
                  "client_id": "AaiyAPdpYdesoKnqjj8HJqRn4T5titww", "client_name": "My App", "ip": ip,
                  "user_agent": "Chrome 120.0.0 / Mac OS X 10.15.7", "user_id": "auth0|65f0c0ffee", "user_name": user,
                  "log_id": "90020250310" + t[11:13] + t[14:16] + t[17:19]})

    files["auth0"] = [
        (auth0("2025-03-10T16:10:01.123Z", "s", "198.51.100.7", "alice@example.com", "Successful login"),
         ev("2025-03-10T16:10:01.123Z", "198.51.100.7", user="alice@example.com", outcome="success")),
        (auth0("2025-03-10T16:10:05.000Z", "f", "198.51.100.8", "bob@example.com", "Wrong email or password."),
         ev("2025-03-10T16:10:05.000Z", "198.51.100.8", user="bob@example.com", outcome="failure")),
        (auth0("2025-03-10T16:10:09.500Z", "s", "203.0.113.9", "carol@example.com", "Successful login"),
         ev("2025-03-10T16:10:09.500Z", "203.0.113.9", user="carol@example.com", outcome="success")),
    ]

    # AWS WAF web ACL logs (AWS WAF Developer Guide, "Log fields": timestamp in epoch
    # milliseconds, action, httpRequest.clientIp); a verdict on a request, no outcome.
    def waf(t, action, ip, uri):
        return j({"timestamp": epoch_ms(t), "formatVersion": 1,
                  "webaclId": "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/acl1/a1b2c3d4",
                  "terminatingRuleId": "Default_Action", "terminatingRuleType": "REGULAR", "action": action,
                  "httpSourceName": "ALB", "httpSourceId": "123456789012-app/my-lb/50dc6c495c0c9188",
                  "ruleGroupList": [], "rateBasedRuleList": [], "nonTerminatingMatchingRules": [],
                  "httpRequest": {"clientIp": ip, "country": "US",
                                  "headers": [{"name": "Host", "value": "www.example.com"}],
                                  "uri": uri, "args": "", "httpVersion": "HTTP/1.1", "httpMethod": "GET",
                                  "requestId": "rid-" + t[17:19]}})

    files["aws-waf"] = [
        (waf("2025-03-10T16:20:01.123", "ALLOW", "198.51.100.7", "/"),
         ev("2025-03-10T16:20:01.123Z", "198.51.100.7")),
        (waf("2025-03-10T16:20:05.000", "BLOCK", "198.51.100.8", "/wp-login.php"),
         ev("2025-03-10T16:20:05.000Z", "198.51.100.8")),
        (waf("2025-03-10T16:20:09.500", "ALLOW", "203.0.113.9", "/api"),
         ev("2025-03-10T16:20:09.500Z", "203.0.113.9")),
    ]

    # Cloudflare Logpush HTTP requests dataset (Cloudflare docs, "HTTP requests" fields:
    # ClientIP, ClientSrcPort, EdgeResponseStatus, EdgeStartTimestamp in RFC 3339, OriginIP).
    def cf(t, ip, port, status, origin):
        return j({"ClientIP": ip, "ClientRequestHost": "www.example.com", "ClientRequestMethod": "GET",
                  "ClientRequestURI": "/", "ClientSrcPort": port, "EdgeEndTimestamp": t,
                  "EdgeResponseBytes": 1234, "EdgeResponseStatus": status, "EdgeStartTimestamp": t,
                  "OriginIP": origin, "OriginResponseStatus": status, "RayID": "7d1c2b3a4f5e6d7c"})

    files["cloudflare-http"] = [
        (cf("2025-03-10T16:30:01Z", "198.51.100.7", 51234, 200, "203.0.113.80"),
         ev("2025-03-10T16:30:01.000Z", "198.51.100.7", 51234, "203.0.113.80", outcome="success")),
        (cf("2025-03-10T16:30:05Z", "198.51.100.8", 51300, 403, "203.0.113.80"),
         ev("2025-03-10T16:30:05.000Z", "198.51.100.8", 51300, "203.0.113.80", outcome="failure")),
        (cf("2025-03-10T16:30:09Z", "203.0.113.9", 40000, 200, "203.0.113.81"),
         ev("2025-03-10T16:30:09.000Z", "203.0.113.9", 40000, "203.0.113.81", outcome="success")),
    ]

    # GitLab's auth.log (GitLab docs, "Log system", auth.log: JSON lines whose `message` states a
    # failed login, `Failed Login: username=… ip=…`).
    def gl(t, user, ip):
        return j({"severity": "ERROR", "time": t, "correlation_id": "01HRX" + t[17:19] + "ABCDEF",
                  "message": f"Failed Login: username={user} ip={ip}"})

    files["gitlab-auth"] = [
        (gl("2025-03-10T16:40:01.123Z", "alice", "198.51.100.7"),
         ev("2025-03-10T16:40:01.123Z", "198.51.100.7", user="alice", outcome="failure")),
        (gl("2025-03-10T16:40:05.000Z", "bob", "198.51.100.8"),
         ev("2025-03-10T16:40:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        (gl("2025-03-10T16:40:09.500Z", "carol", "203.0.113.9"),
         ev("2025-03-10T16:40:09.500Z", "203.0.113.9", user="carol", outcome="failure")),
    ]

    # Google Workspace Reports API login activities (Admin SDK, "Login Audit Activity Events":
    # id.time, actor.email, ipAddress, events[].name login_success / login_failure).
    def gws(t, email, ip, name):
        return j({"kind": "admin#reports#activity",
                  "id": {"time": t, "uniqueQualifier": "-1234567890123456789", "applicationName": "login",
                         "customerId": "C03az79cb"},
                  "actor": {"email": email, "profileId": "114511147312345678901"}, "ipAddress": ip,
                  "events": [{"type": "login", "name": name,
                              "parameters": [{"name": "login_type", "value": "google_password"}]}]})

    files["google-workspace"] = [
        (gws("2025-03-10T16:50:01.123Z", "alice@example.com", "198.51.100.7", "login_success"),
         ev("2025-03-10T16:50:01.123Z", "198.51.100.7", user="alice@example.com", outcome="success")),
        (gws("2025-03-10T16:50:05.000Z", "bob@example.com", "198.51.100.8", "login_failure"),
         ev("2025-03-10T16:50:05.000Z", "198.51.100.8", user="bob@example.com", outcome="failure")),
        (gws("2025-03-10T16:50:09.500Z", "carol@example.com", "203.0.113.9", "login_success"),
         ev("2025-03-10T16:50:09.500Z", "203.0.113.9", user="carol@example.com", outcome="success")),
    ]

    # Keycloak event logging through its server log (Keycloak docs, "Auditing and events":
    # `type=LOGIN, realmId=…, clientId=…, userId=…, ipAddress=…, username=…`; LOGIN_ERROR with
    # `error=`).
    def kc(t, typ, ip, user, err=None):
        tail = f", error={err}" if err else ""
        return (f"2025-03-10 {t},123 WARN  [org.keycloak.events] (executor-thread-1) type={typ}, realmId=master, "
                f"clientId=account-console, userId=null, ipAddress={ip}{tail}, auth_method=openid-connect, "
                f"username={user}")

    files["keycloak"] = [
        (kc("17:00:01", "LOGIN", "198.51.100.7", "alice"),
         ev("2025-03-10T17:00:01.123Z", "198.51.100.7", user="alice", outcome="success")),
        (kc("17:00:05", "LOGIN_ERROR", "198.51.100.8", "bob", "invalid_user_credentials"),
         ev("2025-03-10T17:00:05.123Z", "198.51.100.8", user="bob", outcome="failure")),
        (kc("17:00:09", "LOGIN_ERROR", "203.0.113.9", "carol", "user_not_found"),
         ev("2025-03-10T17:00:09.123Z", "203.0.113.9", user="carol", outcome="failure")),
    ]

    # OpenLDAP slapd connection log through syslog (OpenLDAP Administrator's Guide, "Logging":
    # `conn=N fd=N ACCEPT from IP=address:port (IP=address:port)`).
    def ldap(t, conn, ip, port):
        return (f"Mar 10 {t} ldap1 slapd[2345]: conn={conn} fd=12 ACCEPT from IP={ip}:{port} "
                f"(IP=0.0.0.0:389)")

    files["openldap"] = [
        (ldap("17:10:01", 1001, "198.51.100.7", 51234),
         ev("2025-03-10T17:10:01.000Z", "198.51.100.7", 51234, dport=389)),
        (ldap("17:10:05", 1002, "198.51.100.8", 51300),
         ev("2025-03-10T17:10:05.000Z", "198.51.100.8", 51300, dport=389)),
        (ldap("17:10:09", 1003, "203.0.113.9", 40000),
         ev("2025-03-10T17:10:09.000Z", "203.0.113.9", 40000, dport=389)),
    ]

    # Sendmail through syslog (Sendmail Installation and Operation Guide, logging: `from=<…>,
    # size=…, …, relay=name [address]` for a received message).
    def sm(t, qid, sender, host, ip):
        return (f"Mar 10 {t} mx2 sm-mta[3456]: {qid}: from=<{sender}>, size=2345, class=0, nrcpts=1, "
                f"msgid=<{qid}@{host}>, proto=ESMTP, daemon=MTA, relay={host} [{ip}]")

    files["sendmail"] = [
        (sm("17:20:01", "52AGK1aB012345", "alice@example.org", "mail.example.org", "198.51.100.7"),
         ev("2025-03-10T17:20:01.000Z", "198.51.100.7")),
        (sm("17:20:05", "52AGK5cD012346", "bob@example.net", "mx.example.net", "198.51.100.8"),
         ev("2025-03-10T17:20:05.000Z", "198.51.100.8")),
        (sm("17:20:09", "52AGK9eF012347", "carol@example.com", "smtp.example.com", "203.0.113.9"),
         ev("2025-03-10T17:20:09.000Z", "203.0.113.9")),
    ]

    # Sophos UTM packet filter through syslog (Sophos UTM log file reference: quoted key="value"
    # pairs, `srcip`, `dstip`, `proto` as the IANA number, `srcport`, `dstport`).
    def utm(t, name, action, src, dst, proto, sport, dport):
        return (f'2025:03:10-{t} utm1 ulogd[4567]: id="2002" severity="info" sys="SecureNet" sub="packetfilter" '
                f'name="{name}" action="{action}" fwrule="3" initf="eth0" srcip="{src}" dstip="{dst}" '
                f'proto="{proto}" length="60" tos="0x00" prec="0x00" ttl="64" srcport="{sport}" dstport="{dport}"')

    files["sophos-utm"] = [
        (utm("17:30:01", "Packet accepted", "accept", "10.0.0.5", "198.51.100.53", 17, 51000, 53),
         ev("2025-03-10T17:30:01.000Z", "10.0.0.5", 51000, "198.51.100.53", 53, transport="udp")),
        (utm("17:30:05", "Packet dropped", "drop", "198.51.100.8", "10.0.0.5", 6, 51300, 22),
         ev("2025-03-10T17:30:05.000Z", "198.51.100.8", 51300, "10.0.0.5", 22, transport="tcp")),
        (utm("17:30:09", "Packet accepted", "accept", "10.0.0.6", "203.0.113.80", 6, 51400, 443),
         ev("2025-03-10T17:30:09.000Z", "10.0.0.6", 51400, "203.0.113.80", 443, transport="tcp")),
    ]

    # strongSwan's charon through syslog (strongSwan docs, logger output: `NN[IKE] address is
    # initiating an IKE_SA`), the peer's address.
    files["strongswan"] = [
        ("Mar 10 17:40:01 vpn1 charon: 10[IKE] 198.51.100.7 is initiating an IKE_SA",
         ev("2025-03-10T17:40:01.000Z", "198.51.100.7")),
        ("Mar 10 17:40:05 vpn1 charon: 11[IKE] 198.51.100.8 is initiating an IKE_SA",
         ev("2025-03-10T17:40:05.000Z", "198.51.100.8")),
        ("Mar 10 17:40:09 vpn1 charon: 12[IKE] 203.0.113.9 is initiating an IKE_SA",
         ev("2025-03-10T17:40:09.000Z", "203.0.113.9")),
    ]

    # Unbound with `log-queries: yes` (unbound.conf(5): the client address, the name, type and
    # class), its own epoch-seconds prefix.
    def ub(t, ip, name, qtype):
        return f"[{int(epoch_ms(t) / 1000)}] unbound[1234:0] info: {ip} {name} {qtype} IN"

    files["unbound"] = [
        (ub("2025-03-10T17:50:01", "198.51.100.7", "www.example.com.", "A"),
         ev("2025-03-10T17:50:01.000Z", "198.51.100.7")),
        (ub("2025-03-10T17:50:05", "198.51.100.8", "mail.example.org.", "MX"),
         ev("2025-03-10T17:50:05.000Z", "198.51.100.8")),
        (ub("2025-03-10T17:50:09", "203.0.113.9", "example.net.", "AAAA"),
         ev("2025-03-10T17:50:09.000Z", "203.0.113.9")),
    ]

    # Windows DNS server debug log (Microsoft Learn, "DNS logging and diagnostics": date, time,
    # thread, Context PACKET, packet id, protocol, Snd/Rcv, remote address, …), queries received.
    def wdns(t, ip, proto, name):
        return (f"3/10/2025 {t} AM 0E4C PACKET  000001D4A1B2C3D0 {proto} Rcv {ip}   1a2b   Q [0001   D   NOERROR] A    "
                f"{name}")

    files["windows-dns"] = [
        (wdns("6:00:01", "198.51.100.7", "UDP", "(3)www(7)example(3)com(0)"),
         ev("2025-03-10T06:00:01.000Z", "198.51.100.7", transport="udp")),
        (wdns("6:00:05", "198.51.100.8", "UDP", "(4)mail(7)example(3)org(0)"),
         ev("2025-03-10T06:00:05.000Z", "198.51.100.8", transport="udp")),
        (wdns("6:00:09", "203.0.113.9", "TCP", "(7)example(3)net(0)"),
         ev("2025-03-10T06:00:09.000Z", "203.0.113.9", transport="tcp")),
    ]
