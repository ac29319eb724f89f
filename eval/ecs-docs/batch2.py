"""The second batch of eval/ecs-docs (README.md, "Second batch"): twelve more documented formats,
written and half of them sealed before any change made for them. Same rules as the first batch:
every line is written by the normforge team from the format's public description, hosts, users
and addresses are invented (RFC 5737 / RFC 2606 ranges), no line comes from a vendor's or a
parser's test data.
"""
import datetime


def epoch(iso):
    return int(datetime.datetime.fromisoformat(iso + "+00:00").timestamp())


def add(files, ev, j):
    # AWS VPC Flow Logs, default format version 2 (Amazon VPC User Guide, "Flow log records":
    # version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start
    # end action log-status; protocol is the IANA number; start is the window's first second).
    def vpc(src, dst, sport, dport, proto, start, action, status="OK"):
        return (f"2 123456789010 eni-1235b8ca123456789 {src} {dst} {sport} {dport} {proto} 20 4249 "
                f"{epoch(start)} {epoch(start) + 60} {action} {status}")

    files["aws-vpc-flow"] = [
        (vpc("172.31.16.139", "172.31.16.21", 20641, 22, 6, "2025-03-10T07:00:00", "ACCEPT"),
         ev("2025-03-10T07:00:00.000Z", "172.31.16.139", 20641, "172.31.16.21", 22, transport="tcp")),
        (vpc("198.51.100.7", "172.31.16.21", 40000, 3389, 6, "2025-03-10T07:00:10", "REJECT"),
         ev("2025-03-10T07:00:10.000Z", "198.51.100.7", 40000, "172.31.16.21", 3389, transport="tcp")),
        (vpc("172.31.9.69", "172.31.9.12", 49761, 53, 17, "2025-03-10T07:00:20", "ACCEPT"),
         ev("2025-03-10T07:00:20.000Z", "172.31.9.69", 49761, "172.31.9.12", 53, transport="udp")),
        ("2 123456789010 eni-1235b8ca123456789 - - - - - - - %d %d - NODATA"
         % (epoch("2025-03-10T07:00:30"), epoch("2025-03-10T07:00:30") + 60),
         ev("2025-03-10T07:00:30.000Z")),
    ]

    # Azure Monitor activity log as exported to storage or Event Hubs (Azure Monitor, "Azure
    # activity log event schema", the resource-log mapping: time, operationName, resultType,
    # callerIpAddress, identity.claims).
    def activity(t, op, result, ip, upn):
        return j({"time": t, "resourceId": "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000001/RESOURCEGROUPS/RG1/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/VM1",
                  "operationName": op, "category": "Administrative", "resultType": result,
                  "resultSignature": "Succeeded." if result == "Success" else "Failed.Forbidden",
                  "durationMs": "1234", "callerIpAddress": ip,
                  "correlationId": "7c3e9d2a-0000-0000-0000-00000000a001",
                  "identity": {"claims": {"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn": upn,
                                          "name": upn}},
                  "level": "Information", "location": "westeurope",
                  "properties": {"statusCode": "OK" if result == "Success" else "Forbidden"}})

    files["azure-activity"] = [
        (activity("2025-03-10T07:20:01.1234567Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/START/ACTION", "Success",
                  "198.51.100.7", "alice@contoso.example"),
         ev("2025-03-10T07:20:01.123Z", "198.51.100.7", user="alice@contoso.example", outcome="success")),
        (activity("2025-03-10T07:20:40.0000000Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/DELETE", "Failure",
                  "198.51.100.8", "bob@contoso.example"),
         ev("2025-03-10T07:20:40.000Z", "198.51.100.8", user="bob@contoso.example", outcome="failure")),
        (activity("2025-03-10T07:21:05.5000000Z", "MICROSOFT.COMPUTE/VIRTUALMACHINES/WRITE", "Success",
                  "203.0.113.61", "carol@contoso.example"),
         ev("2025-03-10T07:21:05.500Z", "203.0.113.61", user="carol@contoso.example", outcome="success")),
    ]

    # BIND 9 query log (BIND 9 Administrator Reference Manual, logging category "queries" with
    # print-time, print-category and print-severity: client address#port, the query, and the
    # server address that received it in parentheses).
    def bind(t, client, port, name, qtype, server):
        return (f"10-Mar-2025 {t} queries: info: client @0x7f8a1c00b2e0 {client}#{port} ({name}): "
                f"query: {name} IN {qtype} +E(0)K ({server})")

    files["bind-query"] = [
        (bind("07:30:01.123", "192.0.2.15", 53211, "www.example.com", "A", "10.0.0.53"),
         ev("2025-03-10T07:30:01.123Z", "192.0.2.15", 53211, "10.0.0.53")),
        (bind("07:30:02.456", "192.0.2.16", 40112, "mail.example.org", "MX", "10.0.0.53"),
         ev("2025-03-10T07:30:02.456Z", "192.0.2.16", 40112, "10.0.0.53")),
        (bind("07:30:05.000", "198.51.100.23", 61000, "example.net", "AAAA", "10.0.0.54"),
         ev("2025-03-10T07:30:05.000Z", "198.51.100.23", 61000, "10.0.0.54")),
    ]

    # Check Point Log Exporter, syslog format (Check Point sk122323, "Log Exporter": RFC 5424
    # header, then [key:"value"; ...]; src, dst, s_port, service (the destination port), proto as
    # the IANA number, time in epoch seconds).
    def cp(t, action, src, sport, dst, dport, proto):
        return (f'<134>1 {t} gw-1 CheckPoint 2114 - [action:"{action}"; flags:"411908"; ifdir:"inbound"; '
                f'ifname:"eth1"; loguid:"{{0x67ce9d61,0x0,0x5b0a0a0a,0xc0000001}}"; origin:"10.0.0.1"; '
                f'sequencenum:"1"; time:"{epoch(t[:-1])}"; version:"5"; dst:"{dst}"; inzone:"External"; '
                f'outzone:"Internal"; product:"VPN-1 & FireWall-1"; proto:"{proto}"; rule:"2"; '
                f's_port:"{sport}"; service:"{dport}"; src:"{src}"; ]')

    files["checkpoint"] = [
        (cp("2025-03-10T07:40:01Z", "Accept", "198.51.100.10", 51234, "10.0.0.5", 443, 6),
         ev("2025-03-10T07:40:01.000Z", "198.51.100.10", 51234, "10.0.0.5", 443, transport="tcp")),
        (cp("2025-03-10T07:40:07Z", "Drop", "198.51.100.11", 40001, "10.0.0.6", 22, 6),
         ev("2025-03-10T07:40:07.000Z", "198.51.100.11", 40001, "10.0.0.6", 22, transport="tcp")),
        (cp("2025-03-10T07:40:12Z", "Accept", "10.0.0.9", 5353, "198.51.100.53", 53, 17),
         ev("2025-03-10T07:40:12.000Z", "10.0.0.9", 5353, "198.51.100.53", 53, transport="udp")),
    ]

    # Cisco IOS messages as a syslog server stores them (Cisco IOS Security Configuration Guide,
    # "Login Enhancements": %SEC_LOGIN-5-LOGIN_SUCCESS / -4-LOGIN_FAILED with [user], [Source],
    # [localport]; IOS System Message Guide: %SEC-6-IPACCESSLOGP, "addr(port) -> addr(port)").
    files["cisco-ios"] = [
        ("Mar 10 07:50:01 router1 45: Mar 10 07:50:01.123 UTC: %SEC_LOGIN-5-LOGIN_SUCCESS: Login Success [user: admin] [Source: 10.0.0.20] [localport: 22] at 07:50:01 UTC Mon Mar 10 2025",
         ev("2025-03-10T07:50:01.123Z", "10.0.0.20", dport=22, user="admin", outcome="success")),
        ("Mar 10 07:50:30 router1 46: Mar 10 07:50:30.456 UTC: %SEC_LOGIN-4-LOGIN_FAILED: Login failed [user: guest] [Source: 10.0.0.21] [localport: 22] [Reason: Login Authentication Failed] at 07:50:30 UTC Mon Mar 10 2025",
         ev("2025-03-10T07:50:30.456Z", "10.0.0.21", dport=22, user="guest", outcome="failure")),
        ("Mar 10 07:51:00 router1 47: Mar 10 07:51:00.789 UTC: %SEC-6-IPACCESSLOGP: list 101 denied tcp 198.51.100.7(40000) -> 10.0.0.8(22), 1 packet",
         ev("2025-03-10T07:51:00.789Z", "198.51.100.7", 40000, "10.0.0.8", 22, transport="tcp")),
        ("Mar 10 07:51:05 router1 48: Mar 10 07:51:05.000 UTC: %SEC-6-IPACCESSLOGP: list 101 permitted udp 10.0.0.9(5353) -> 198.51.100.53(53), 1 packet",
         ev("2025-03-10T07:51:05.000Z", "10.0.0.9", 5353, "198.51.100.53", 53, transport="udp")),
    ]

    # Dovecot login process (Dovecot documentation, login_log_format_elements: user=<%u>
    # method=%m rip=%r lip=%l mpid=%e %c session=<%{session}>; rip is the remote, lip the local
    # address; "auth failed" disconnects).
    files["dovecot"] = [
        ("Mar 10 08:00:01 mail dovecot: imap-login: Login: user=<alice>, method=PLAIN, rip=198.51.100.80, lip=10.0.0.25, mpid=2101, TLS, session=<AbCdEfGh1234>",
         ev("2025-03-10T08:00:01.000Z", "198.51.100.80", dst="10.0.0.25", user="alice", outcome="success")),
        ("Mar 10 08:00:09 mail dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob>, method=PLAIN, rip=198.51.100.81, lip=10.0.0.25, TLS, session=<IjKlMnOp5678>",
         ev("2025-03-10T08:00:09.000Z", "198.51.100.81", dst="10.0.0.25", user="bob", outcome="failure")),
        ("Mar 10 08:00:15 mail dovecot: pop3-login: Login: user=<carol>, method=PLAIN, rip=203.0.113.61, lip=10.0.0.25, mpid=2102, TLS, session=<QrStUvWx9012>",
         ev("2025-03-10T08:00:15.000Z", "203.0.113.61", dst="10.0.0.25", user="carol", outcome="success")),
    ]

    # Duo Admin API authentication logs, v2 (Duo Admin API, "Authentication Logs": access_device.ip
    # is where the user authenticated from, result success / denied / fraud, isotimestamp).
    def duo(t, ip, user, result, reason):
        return j({"access_device": {"browser": "Chrome", "ip": ip,
                                    "location": {"city": "Ann Arbor", "country": "United States", "state": "Michigan"},
                                    "os": "Mac OS X"},
                  "application": {"key": "DIY231J8BR23QK4UKBY8", "name": "Microsoft Azure Active Directory"},
                  "auth_device": {"ip": "192.0.2.91", "name": "My iPhone (734-555-2342)"},
                  "event_type": "authentication", "factor": "duo_push", "isotimestamp": t,
                  "reason": reason, "result": result,
                  "timestamp": epoch(t[:19]), "txid": "340a23e3-23f3-23c1-87dc-1491a23dfdbb",
                  "user": {"key": "DU3KC77WJ06Y5HIV7XKQ", "name": user}})

    files["duo-auth"] = [
        (duo("2025-03-10T08:10:01.123456+00:00", "198.51.100.90", "alice", "success", "user_approved"),
         ev("2025-03-10T08:10:01.123Z", "198.51.100.90", user="alice", outcome="success")),
        (duo("2025-03-10T08:10:30.000000+00:00", "198.51.100.91", "bob", "denied", "user_declined"),
         ev("2025-03-10T08:10:30.000Z", "198.51.100.91", user="bob", outcome="failure")),
        (duo("2025-03-10T08:11:00.500000+00:00", "203.0.113.61", "carol", "success", "user_approved"),
         ev("2025-03-10T08:11:00.500Z", "203.0.113.61", user="carol", outcome="success")),
    ]

    # GitHub Enterprise audit log stream (GitHub Docs, "Audit log events for your enterprise":
    # action, actor, actor_ip, created_at in epoch milliseconds).
    def gh(t, action, actor, ip):
        ms = epoch(t) * 1000
        return j({"@timestamp": ms, "_document_id": "Xz1Qa2Ws3Ed4Rf5Tg6Yh7Uj", "action": action, "actor": actor,
                  "actor_ip": ip, "actor_location": {"country_code": "US"}, "business": "acme",
                  "created_at": ms, "org": "acme-org", "repo": "acme-org/tools", "visibility": "private"})

    files["github-audit"] = [
        (gh("2025-03-10T08:20:00", "repo.create", "alice", "198.51.100.95"),
         ev("2025-03-10T08:20:00.000Z", "198.51.100.95", user="alice")),
        (gh("2025-03-10T08:21:00", "repo.destroy", "bob", "198.51.100.96"),
         ev("2025-03-10T08:21:00.000Z", "198.51.100.96", user="bob")),
        (gh("2025-03-10T08:22:00", "org.add_member", "carol", "203.0.113.61"),
         ev("2025-03-10T08:22:00.000Z", "203.0.113.61", user="carol")),
    ]

    # Kubernetes audit events, audit.k8s.io/v1 (Kubernetes documentation, "Auditing" and the
    # audit.k8s.io/v1 Event reference: user.username, sourceIPs, responseStatus.code,
    # requestReceivedTimestamp). An HTTP status of 400 or more is a failure.
    def k8s(t, verb, user, ip, code):
        status = {"metadata": {}, "code": code}
        if code >= 400:
            status.update({"status": "Failure", "reason": "Forbidden"})
        return j({"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
                  "auditID": "0b6c1c3e-0000-0000-0000-00000000b001", "stage": "ResponseComplete",
                  "requestURI": "/api/v1/namespaces/default/pods", "verb": verb,
                  "user": {"username": user, "groups": ["system:authenticated"]},
                  "sourceIPs": [ip], "userAgent": "kubectl/v1.29.0 (linux/amd64) kubernetes/abcdef0",
                  "objectRef": {"resource": "pods", "namespace": "default", "apiVersion": "v1"},
                  "responseStatus": status,
                  "requestReceivedTimestamp": t, "stageTimestamp": t[:20] + "900000Z"})

    files["k8s-audit"] = [
        (k8s("2025-03-10T08:30:01.123456Z", "create", "alice", "198.51.100.100", 201),
         ev("2025-03-10T08:30:01.123Z", "198.51.100.100", user="alice", outcome="success")),
        (k8s("2025-03-10T08:30:05.000000Z", "delete", "bob", "198.51.100.101", 403),
         ev("2025-03-10T08:30:05.000Z", "198.51.100.101", user="bob", outcome="failure")),
        (k8s("2025-03-10T08:30:09.500000Z", "list", "carol", "203.0.113.61", 200),
         ev("2025-03-10T08:30:09.500Z", "203.0.113.61", user="carol", outcome="success")),
    ]

    # Office 365 Management Activity API, common schema and Azure AD logins (Microsoft 365
    # documentation, "Office 365 Management Activity API schema": CreationTime in UTC without a
    # zone, Operation, ResultStatus, UserId, ClientIP).
    def o365(t, op, result, user, ip):
        return j({"CreationTime": t, "Id": "4b8f5c2e-0000-0000-0000-00000000c001", "Operation": op,
                  "OrganizationId": "72f988bf-0000-0000-0000-2d7cd011db47", "RecordType": 15,
                  "ResultStatus": result, "UserKey": "10037FFE8000ABCD", "UserType": 0, "Version": 1,
                  "Workload": "AzureActiveDirectory", "ClientIP": ip,
                  "ObjectId": "00000002-0000-0ff1-ce00-000000000000", "UserId": user,
                  "AzureActiveDirectoryEventType": 1})

    files["o365-audit"] = [
        (o365("2025-03-10T08:40:01", "UserLoggedIn", "Success", "alice@contoso.example", "198.51.100.110"),
         ev("2025-03-10T08:40:01.000Z", "198.51.100.110", user="alice@contoso.example", outcome="success")),
        (o365("2025-03-10T08:40:20", "UserLoginFailed", "Failed", "bob@contoso.example", "198.51.100.111"),
         ev("2025-03-10T08:40:20.000Z", "198.51.100.111", user="bob@contoso.example", outcome="failure")),
        (o365("2025-03-10T08:41:00", "UserLoggedIn", "Success", "carol@contoso.example", "203.0.113.61"),
         ev("2025-03-10T08:41:00.000Z", "203.0.113.61", user="carol@contoso.example", outcome="success")),
    ]

    # PAN-OS traffic logs over syslog, CSV (PAN-OS Administrator's Guide, "Traffic Log Fields":
    # receive time, serial, type, subtype, generated time, source and destination address, NAT
    # addresses, rule, source user, ..., source and destination port, NAT ports, flags, protocol,
    # action, ...). A user is written DOMAIN\name; a firewall's verdict sets no outcome.
    def pan(t, src, dst, user, app, sport, dport, proto, action, reason):
        d = "2025/03/10 " + t
        return (f"<14>Mar 10 {t} PA-VM 1,{d},012801012345,TRAFFIC,end,2561,{d},{src},{dst},203.0.113.2,{dst},"
                f"allow-web,{user},,{app},vsys1,trust,untrust,ethernet1/2,ethernet1/1,default,{d},34512,1,"
                f"{sport},{dport},40123,{dport},0x40001c,{proto},{action},6600,1200,5400,19,{d},12,"
                f"computer-and-internet-info,0,7301,0x0,10.0.0.0-10.255.255.255,United States,0,10,9,{reason}")

    files["pan-os-traffic"] = [
        (pan("08:50:01", "10.1.1.5", "93.184.216.34", "acme\\alice", "ssl", 51514, 443, "tcp", "allow", "tcp-fin"),
         ev("2025-03-10T08:50:01.000Z", "10.1.1.5", 51514, "93.184.216.34", 443, user="alice", transport="tcp")),
        (pan("08:50:04", "10.1.1.6", "198.51.100.53", "acme\\bob", "dns", 53001, 53, "udp", "allow", "aged-out"),
         ev("2025-03-10T08:50:04.000Z", "10.1.1.6", 53001, "198.51.100.53", 53, user="bob", transport="udp")),
        (pan("08:50:09", "10.1.1.7", "93.184.216.36", "", "web-browsing", 51600, 80, "tcp", "deny", "policy-deny"),
         ev("2025-03-10T08:50:09.000Z", "10.1.1.7", 51600, "93.184.216.36", 80, transport="tcp")),
    ]

    # pfSense filter log (pfSense documentation, "Filter Log Format" for 2.2 and later: rule,
    # sub-rule, anchor, tracker, interface, reason, action, direction, IP version, then the IPv4
    # fields ending in protocol id, protocol text, length, source, destination, then for TCP and
    # UDP source port, destination port, data length, ...).
    files["pfsense-filterlog"] = [
        ("<134>Mar 10 09:00:01 fw3 filterlog[12345]: 5,,,1000000103,igb1,match,block,in,4,0x0,,64,34567,0,DF,6,tcp,60,198.51.100.7,10.0.0.8,40000,22,0,S,1234567890,,64240,,mss;sackOK;TS;nop;wscale",
         ev("2025-03-10T09:00:01.000Z", "198.51.100.7", 40000, "10.0.0.8", 22, transport="tcp")),
        ("<134>Mar 10 09:00:05 fw3 filterlog[12345]: 77,,,1000000101,igb0,match,pass,out,4,0x0,,64,4567,0,none,17,udp,73,10.0.0.9,198.51.100.53,5353,53,53",
         ev("2025-03-10T09:00:05.000Z", "10.0.0.9", 5353, "198.51.100.53", 53, transport="udp")),
        ("<134>Mar 10 09:00:09 fw3 filterlog[12345]: 5,,,1000000103,igb1,match,block,in,4,0x0,,63,1234,0,none,6,tcp,40,198.51.100.12,10.0.0.8,51000,3389,0,S,987654321,,1024,,",
         ev("2025-03-10T09:00:09.000Z", "198.51.100.12", 51000, "10.0.0.8", 3389, transport="tcp")),
    ]
