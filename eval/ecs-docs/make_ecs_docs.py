#!/usr/bin/env python3
"""Writes eval/ecs-docs/: log lines in formats that vendors and RFCs document, each with the ECS
event a reader of that documentation would expect on the fields `normforge eval ecs` scores
(source/destination address and port, account, time, outcome, transport).

Usage: make_ecs_docs.py [OUT_DIR]   (default: the folder of this script)

Every line is written by the normforge team from the format's public description (README.md
names the page for each file); hosts, users and addresses are invented (RFC 5737 / RFC 2606
ranges). No line comes from a vendor's or a parser's test data. Deterministic: the output is
byte-for-byte identical on every run.
"""
import json
import os
import sys


def nest(flat):
    """`{"source.ip": x}` -> `{"source": {"ip": x}}`."""
    out = {}
    for k, v in flat.items():
        d = out
        parts = k.split(".") if k != "@timestamp" else [k]
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = v
    return out


def ev(ts, src=None, sport=None, dst=None, dport=None, user=None, outcome=None, transport=None):
    flat = {"@timestamp": ts}
    for k, v in (("source.ip", src), ("source.port", sport), ("destination.ip", dst),
                 ("destination.port", dport), ("user.name", user), ("event.outcome", outcome),
                 ("network.transport", transport)):
        if v is not None:
            flat[k] = v
    return nest(flat)


def j(obj):
    return json.dumps(obj, separators=(",", ":"))


FILES = {}

# Cisco ASA syslog messages (Cisco Secure Firewall ASA Series Syslog Messages: 106001, 106023,
# 113004, 113005, 302013, 302014, 605004, 605005). Inbound connections only: for them the first
# socket is the initiator.
FILES["cisco-asa"] = [
    ("Mar 10 06:50:02 fw1 %ASA-6-302013: Built inbound TCP connection 991727 for outside:198.51.100.10/51234 (198.51.100.10/51234) to inside:10.0.0.5/443 (203.0.113.5/443)",
     ev("2025-03-10T06:50:02.000Z", "198.51.100.10", 51234, "10.0.0.5", 443, transport="tcp")),
    ("Mar 10 06:50:04 fw1 %ASA-6-302013: Built inbound TCP connection 991731 for outside:198.51.100.44/40112 (198.51.100.44/40112) to dmz:10.0.1.20/25 (203.0.113.25/25)",
     ev("2025-03-10T06:50:04.000Z", "198.51.100.44", 40112, "10.0.1.20", 25, transport="tcp")),
    ("Mar 10 06:50:09 fw1 %ASA-6-302014: Teardown TCP connection 991727 for outside:198.51.100.10/51234 to inside:10.0.0.5/443 duration 0:00:07 bytes 5120 TCP FINs",
     ev("2025-03-10T06:50:09.000Z", "198.51.100.10", 51234, "10.0.0.5", 443, transport="tcp")),
    ("Mar 10 06:51:00 fw1 %ASA-4-106023: Deny tcp src outside:198.51.100.7/40000 dst inside:10.0.0.8/22 by access-group \"OUTSIDE_IN\" [0x0, 0x0]",
     ev("2025-03-10T06:51:00.000Z", "198.51.100.7", 40000, "10.0.0.8", 22, transport="tcp")),
    ("Mar 10 06:51:05 fw1 %ASA-4-106023: Deny udp src outside:198.51.100.8/5353 dst inside:10.0.0.9/53 by access-group \"OUTSIDE_IN\" [0x0, 0x0]",
     ev("2025-03-10T06:51:05.000Z", "198.51.100.8", 5353, "10.0.0.9", 53, transport="udp")),
    ("Mar 10 06:52:00 fw1 %ASA-2-106001: Inbound TCP connection denied from 198.51.100.9/4444 to 10.0.0.8/80 flags SYN on interface outside",
     ev("2025-03-10T06:52:00.000Z", "198.51.100.9", 4444, "10.0.0.8", 80, transport="tcp")),
    ("Mar 10 06:53:00 fw1 %ASA-6-605005: Login permitted from 10.0.0.20/51515 to inside:10.0.0.1/ssh for user \"admin\"",
     ev("2025-03-10T06:53:00.000Z", "10.0.0.20", 51515, "10.0.0.1", user="admin", outcome="success")),
    ("Mar 10 06:53:30 fw1 %ASA-6-605004: Login denied from 10.0.0.21/51516 to inside:10.0.0.1/ssh for user \"guest\"",
     ev("2025-03-10T06:53:30.000Z", "10.0.0.21", 51516, "10.0.0.1", user="guest", outcome="failure")),
    ("Mar 10 06:54:00 fw1 %ASA-6-113004: AAA user authentication Successful : server = 10.0.0.30 : user = alice",
     ev("2025-03-10T06:54:00.000Z", user="alice", outcome="success")),
    ("Mar 10 06:54:10 fw1 %ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 10.0.0.30 : user = bob : user IP = 10.0.0.40",
     ev("2025-03-10T06:54:10.000Z", "10.0.0.40", user="bob", outcome="failure")),
]

# FortiGate (FortiOS Log Message Reference: traffic log fields srcip/srcport/dstip/dstport/proto/
# user; event log "Admin login successful" / "Admin login failed" with status).
FG = 'date=2025-03-10 time={t} devname="fw2" devid="FG100E0000000001" tz="+0000" logid="{logid}" type="{type}" subtype="{sub}" level="{level}" vd="root" '
FILES["fortigate"] = [
    (FG.format(t="07:00:01", logid="0000000013", type="traffic", sub="forward", level="notice")
     + 'srcip=10.1.1.5 srcport=51514 srcintf="port2" srcintfrole="lan" dstip=93.184.216.34 dstport=443 dstintf="port1" dstintfrole="wan" sessionid=12345 proto=6 action="accept" policyid=1 policytype="policy" service="HTTPS" trandisp="snat" transip=203.0.113.2 transport=51514 duration=12 sentbyte=1200 rcvdbyte=5400 sentpkt=10 rcvdpkt=9 user="alice"',
     ev("2025-03-10T07:00:01.000Z", "10.1.1.5", 51514, "93.184.216.34", 443, user="alice", transport="tcp")),
    (FG.format(t="07:00:03", logid="0000000013", type="traffic", sub="forward", level="notice")
     + 'srcip=10.1.1.6 srcport=62000 srcintf="port2" srcintfrole="lan" dstip=93.184.216.35 dstport=443 dstintf="port1" dstintfrole="wan" sessionid=12346 proto=6 action="accept" policyid=1 policytype="policy" service="HTTPS" trandisp="snat" transip=203.0.113.2 transport=62000 duration=3 sentbyte=800 rcvdbyte=2200 sentpkt=6 rcvdpkt=5 user="bob"',
     ev("2025-03-10T07:00:03.000Z", "10.1.1.6", 62000, "93.184.216.35", 443, user="bob", transport="tcp")),
    (FG.format(t="07:00:05", logid="0000000013", type="traffic", sub="forward", level="notice")
     + 'srcip=10.1.1.7 srcport=53001 srcintf="port2" srcintfrole="lan" dstip=198.51.100.53 dstport=53 dstintf="port1" dstintfrole="wan" sessionid=12347 proto=17 action="deny" policyid=4 policytype="policy" service="DNS" trandisp="noop" duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 rcvdpkt=0',
     ev("2025-03-10T07:00:05.000Z", "10.1.1.7", 53001, "198.51.100.53", 53, transport="udp")),
    (FG.format(t="07:00:07", logid="0000000013", type="traffic", sub="forward", level="notice")
     + 'srcip=10.1.1.8 srcport=53002 srcintf="port2" srcintfrole="lan" dstip=198.51.100.54 dstport=123 dstintf="port1" dstintfrole="wan" sessionid=12348 proto=17 action="deny" policyid=4 policytype="policy" service="NTP" trandisp="noop" duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 rcvdpkt=0',
     ev("2025-03-10T07:00:07.000Z", "10.1.1.8", 53002, "198.51.100.54", 123, transport="udp")),
    (FG.format(t="07:05:00", logid="0100032001", type="event", sub="system", level="information")
     + 'logdesc="Admin login successful" user="admin" ui="https(198.51.100.20)" method="https" srcip=198.51.100.20 dstip=10.1.1.1 action="login" status="success" reason="none" profile="super_admin" msg="Administrator admin logged in successfully from https(198.51.100.20)"',
     ev("2025-03-10T07:05:00.000Z", "198.51.100.20", dst="10.1.1.1", user="admin", outcome="success")),
    (FG.format(t="07:05:30", logid="0100032002", type="event", sub="system", level="alert")
     + 'logdesc="Admin login failed" user="root" ui="https(198.51.100.21)" method="https" srcip=198.51.100.21 dstip=10.1.1.1 action="login" status="failed" reason="name_invalid" msg="Administrator root login failed from https(198.51.100.21) because of invalid user name"',
     ev("2025-03-10T07:05:30.000Z", "198.51.100.21", dst="10.1.1.1", user="root", outcome="failure")),
]

# Squid native access.log (Squid wiki, "SquidFaq/SquidLogs": time elapsed remotehost
# code/status bytes method URL rfc931 peerstatus/peerhost type).
FILES["squid"] = [
    ("1741590602.123    245 10.0.0.7 TCP_MISS/200 5120 GET http://example.com/index.html alice HIER_DIRECT/93.184.216.34 text/html",
     ev("2025-03-10T07:10:02.123Z", "10.0.0.7", dst="93.184.216.34", user="alice", outcome="success")),
    ("1741590603.456     12 10.0.0.8 TCP_DENIED/403 3900 GET http://blocked.example.net/ - HIER_NONE/- text/html",
     ev("2025-03-10T07:10:03.456Z", "10.0.0.8", outcome="failure")),
    ("1741590604.789   1020 10.0.0.7 TCP_TUNNEL/200 8000 CONNECT www.example.org:443 alice HIER_DIRECT/93.184.216.35 -",
     ev("2025-03-10T07:10:04.789Z", "10.0.0.7", dst="93.184.216.35", user="alice", outcome="success")),
    ("1741590605.000     35 10.0.0.9 TCP_MISS/200 2048 GET http://example.com/logo.png bob HIER_DIRECT/93.184.216.34 image/png",
     ev("2025-03-10T07:10:05.000Z", "10.0.0.9", dst="93.184.216.34", user="bob", outcome="success")),
    ("1741590606.250     80 10.0.0.9 TCP_MISS/404 512 GET http://example.com/missing.png bob HIER_DIRECT/93.184.216.34 text/html",
     ev("2025-03-10T07:10:06.250Z", "10.0.0.9", dst="93.184.216.34", user="bob", outcome="failure")),
]

# Postfix smtpd (Postfix documentation: DEBUG_README / SASL_README log examples; the client is
# `name[address]`).
FILES["postfix"] = [
    ("Mar 10 07:20:46 mail postfix/smtpd[1234]: connect from unknown[198.51.100.23]",
     ev("2025-03-10T07:20:46.000Z", "198.51.100.23")),
    ("Mar 10 07:20:47 mail postfix/smtpd[1234]: NOQUEUE: reject: RCPT from unknown[198.51.100.23]: 554 5.7.1 <spam@example.net>: Relay access denied; from=<a@example.org> to=<spam@example.net> proto=ESMTP helo=<bad.example>",
     ev("2025-03-10T07:20:47.000Z", "198.51.100.23", outcome="failure")),
    ("Mar 10 07:20:48 mail postfix/smtpd[1234]: disconnect from unknown[198.51.100.23] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4",
     ev("2025-03-10T07:20:48.000Z", "198.51.100.23")),
    ("Mar 10 07:21:10 mail postfix/smtpd[1240]: 4F1A2B3C4D: client=mail.example.org[203.0.113.9], sasl_method=PLAIN, sasl_username=bob",
     ev("2025-03-10T07:21:10.000Z", "203.0.113.9", user="bob")),
    ("Mar 10 07:21:20 mail postfix/smtpd[1241]: warning: unknown[198.51.100.30]: SASL LOGIN authentication failed: authentication failure",
     ev("2025-03-10T07:21:20.000Z", "198.51.100.30", outcome="failure")),
    ("Mar 10 07:21:40 mail postfix/smtpd[1242]: connect from client.example.com[203.0.113.40]",
     ev("2025-03-10T07:21:40.000Z", "203.0.113.40")),
]


# AWS CloudTrail records (CloudTrail User Guide: "CloudTrail record contents", ConsoleLogin
# examples; a record with `errorCode` is a failed request).
def trail(t, user, ip, source, name, extra):
    r = {"eventVersion": "1.08",
         "userIdentity": {"type": "IAMUser", "principalId": "AIDAEXAMPLE" + user.upper(),
                          "arn": f"arn:aws:iam::123456789012:user/{user}", "accountId": "123456789012",
                          "userName": user},
         "eventTime": t, "eventSource": source, "eventName": name, "awsRegion": "us-east-1",
         "sourceIPAddress": ip, "userAgent": "Mozilla/5.0 (X11; Linux x86_64)"}
    r.update(extra)
    r["eventID"] = "0f1e2d3c-" + t[-9:-1].replace(":", "")
    r["recipientAccountId"] = "123456789012"
    return j(r)


FILES["cloudtrail"] = [
    (trail("2025-03-10T07:30:02Z", "alice", "198.51.100.7", "signin.amazonaws.com", "ConsoleLogin",
           {"requestParameters": None, "responseElements": {"ConsoleLogin": "Success"},
            "additionalEventData": {"MFAUsed": "Yes"}, "eventType": "AwsConsoleSignIn"}),
     ev("2025-03-10T07:30:02.000Z", "198.51.100.7", user="alice", outcome="success")),
    (trail("2025-03-10T07:30:40Z", "bob", "198.51.100.8", "signin.amazonaws.com", "ConsoleLogin",
           {"errorMessage": "Failed authentication", "requestParameters": None,
            "responseElements": {"ConsoleLogin": "Failure"}, "additionalEventData": {"MFAUsed": "No"},
            "eventType": "AwsConsoleSignIn"}),
     ev("2025-03-10T07:30:40.000Z", "198.51.100.8", user="bob", outcome="failure")),
    (trail("2025-03-10T07:31:10Z", "alice", "198.51.100.7", "ec2.amazonaws.com", "StartInstances",
           {"requestParameters": {"instancesSet": {"items": [{"instanceId": "i-0abcd1234ef567890"}]}},
            "responseElements": {"instancesSet": {"items": [{"instanceId": "i-0abcd1234ef567890", "currentState": {"code": 0, "name": "pending"}}]}},
            "eventType": "AwsApiCall"}),
     ev("2025-03-10T07:31:10.000Z", "198.51.100.7", user="alice", outcome="success")),
    (trail("2025-03-10T07:31:50Z", "carol", "203.0.113.61", "iam.amazonaws.com", "CreateUser",
           {"errorCode": "AccessDenied",
            "errorMessage": "User: arn:aws:iam::123456789012:user/carol is not authorized to perform: iam:CreateUser",
            "requestParameters": None, "responseElements": None, "eventType": "AwsApiCall"}),
     ev("2025-03-10T07:31:50.000Z", "203.0.113.61", user="carol", outcome="failure")),
]


# Okta System Log API (developer.okta.com, "System Log API": LogEvent actor, client.ipAddress,
# outcome.result, published).
def okta(t, login, name, ip, etype, result, reason=None):
    outcome = {"result": result}
    if reason:
        outcome["reason"] = reason
    return j({"actor": {"id": "00u" + login[:3] + "1a2b3c", "type": "User", "alternateId": login,
                        "displayName": name},
              "client": {"userAgent": {"rawUserAgent": "Mozilla/5.0", "os": "Mac OS X", "browser": "CHROME"},
                         "zone": "null", "device": "Computer", "ipAddress": ip},
              "displayMessage": "User login to Okta" if etype == "user.session.start" else "User logout from Okta",
              "eventType": etype, "outcome": outcome, "published": t, "severity": "INFO",
              "uuid": "dc9fd3c0-" + t[11:19].replace(":", ""), "version": "0",
              "request": {"ipChain": [{"ip": ip, "version": "V4"}]}})


FILES["okta"] = [
    (okta("2025-03-10T07:40:02.123Z", "alice@example.com", "Alice Smith", "198.51.100.7", "user.session.start", "SUCCESS"),
     ev("2025-03-10T07:40:02.123Z", "198.51.100.7", user="alice@example.com", outcome="success")),
    (okta("2025-03-10T07:40:30.456Z", "bob@example.com", "Bob Jones", "198.51.100.8", "user.session.start", "FAILURE", "INVALID_CREDENTIALS"),
     ev("2025-03-10T07:40:30.456Z", "198.51.100.8", user="bob@example.com", outcome="failure")),
    (okta("2025-03-10T07:41:00.000Z", "carol@example.com", "Carol White", "203.0.113.61", "user.session.start", "SUCCESS"),
     ev("2025-03-10T07:41:00.000Z", "203.0.113.61", user="carol@example.com", outcome="success")),
    (okta("2025-03-10T07:45:12.789Z", "alice@example.com", "Alice Smith", "198.51.100.7", "user.session.end", "SUCCESS"),
     ev("2025-03-10T07:45:12.789Z", "198.51.100.7", user="alice@example.com", outcome="success")),
]


# Zeek conn.log as JSON (Zeek documentation, "conn.log": ts, id.orig_h, id.orig_p, id.resp_h,
# id.resp_p, proto).
def conn(ts, oh, op, rh, rp, proto, service, state):
    return j({"ts": ts, "uid": "C" + str(int(ts * 1000))[-8:], "id.orig_h": oh, "id.orig_p": op,
              "id.resp_h": rh, "id.resp_p": rp, "proto": proto, "service": service,
              "duration": 1.25, "orig_bytes": 512, "resp_bytes": 4096, "conn_state": state,
              "local_orig": True, "missed_bytes": 0, "history": "ShADadFf", "orig_pkts": 8,
              "resp_pkts": 7})


FILES["zeek-conn"] = [
    (conn(1741592402.123456, "10.0.0.5", 51514, "93.184.216.34", 443, "tcp", "ssl", "SF"),
     ev("2025-03-10T07:40:02.123Z", "10.0.0.5", 51514, "93.184.216.34", 443, transport="tcp")),
    (conn(1741592403.5, "10.0.0.6", 53111, "198.51.100.53", 53, "udp", "dns", "SF"),
     ev("2025-03-10T07:40:03.500Z", "10.0.0.6", 53111, "198.51.100.53", 53, transport="udp")),
    (conn(1741592405.25, "10.0.0.7", 40222, "203.0.113.80", 22, "tcp", "ssh", "S0"),
     ev("2025-03-10T07:40:05.250Z", "10.0.0.7", 40222, "203.0.113.80", 22, transport="tcp")),
]


# Suricata EVE JSON (Suricata user guide, "Eve JSON Format": timestamp, src_ip, src_port,
# dest_ip, dest_port, proto).
def eve(t, etype, sip, sp, dip, dp, proto, extra):
    r = {"timestamp": t, "flow_id": 1234567890 + sp, "in_iface": "eth0", "event_type": etype,
         "src_ip": sip, "src_port": sp, "dest_ip": dip, "dest_port": dp, "proto": proto}
    r.update(extra)
    return j(r)


FILES["suricata-eve"] = [
    (eve("2025-03-10T07:50:02.123456+0000", "alert", "198.51.100.7", 40000, "10.0.0.8", 22, "TCP",
         {"alert": {"action": "allowed", "gid": 1, "signature_id": 2001219, "rev": 20,
                    "signature": "ET SCAN Potential SSH Scan", "category": "Attempted Information Leak", "severity": 2}}),
     ev("2025-03-10T07:50:02.123Z", "198.51.100.7", 40000, "10.0.0.8", 22, transport="tcp")),
    (eve("2025-03-10T07:50:05.000001+0000", "alert", "198.51.100.9", 41000, "10.0.0.9", 80, "TCP",
         {"alert": {"action": "blocked", "gid": 1, "signature_id": 2010935, "rev": 3,
                    "signature": "ET POLICY Suspicious inbound to mySQL port 3306", "category": "Potentially Bad Traffic", "severity": 2}}),
     ev("2025-03-10T07:50:05.000Z", "198.51.100.9", 41000, "10.0.0.9", 80, transport="tcp")),
    (eve("2025-03-10T07:50:07.250000+0000", "dns", "10.0.0.6", 53111, "198.51.100.53", 53, "UDP",
         {"dns": {"type": "query", "id": 4660, "rrname": "example.com", "rrtype": "A", "tx_id": 0}}),
     ev("2025-03-10T07:50:07.250Z", "10.0.0.6", 53111, "198.51.100.53", 53, transport="udp")),
]


# Google Cloud audit logs (Cloud Logging, "AuditLog": protoPayload.authenticationInfo
# .principalEmail, requestMetadata.callerIp, status; LogEntry timestamp).
def gcp(t, who, ip, method, status):
    return j({"protoPayload": {"@type": "type.googleapis.com/google.cloud.audit.AuditLog", "status": status,
                               "authenticationInfo": {"principalEmail": who},
                               "requestMetadata": {"callerIp": ip, "callerSuppliedUserAgent": "google-cloud-sdk gcloud/460.0.0"},
                               "serviceName": "compute.googleapis.com", "methodName": method,
                               "resourceName": "projects/shop-prod/zones/us-central1-a/instances/vm-1"},
              "insertId": "x1" + t[11:19].replace(":", ""), "resource": {"type": "gce_instance", "labels": {"zone": "us-central1-a"}},
              "timestamp": t, "severity": "NOTICE" if not status else "ERROR",
              "logName": "projects/shop-prod/logs/cloudaudit.googleapis.com%2Factivity"})


FILES["gcp-audit"] = [
    (gcp("2025-03-10T08:00:02.123456Z", "alice@example.com", "198.51.100.7", "v1.compute.instances.start", {}),
     ev("2025-03-10T08:00:02.123Z", "198.51.100.7", user="alice@example.com", outcome="success")),
    (gcp("2025-03-10T08:01:10.5Z", "bob@example.com", "198.51.100.8", "v1.compute.instances.delete",
         {"code": 7, "message": "PERMISSION_DENIED"}),
     ev("2025-03-10T08:01:10.500Z", "198.51.100.8", user="bob@example.com", outcome="failure")),
    (gcp("2025-03-10T08:02:00Z", "carol@example.com", "203.0.113.61", "v1.compute.instances.stop", {}),
     ev("2025-03-10T08:02:00.000Z", "203.0.113.61", user="carol@example.com", outcome="success")),
]


# Microsoft Entra ID sign-in logs as Azure Monitor exports them (Azure Monitor reference,
# "SigninLogs": time, resultType, callerIpAddress, properties.userPrincipalName, ipAddress,
# status.errorCode; 0 is success).
def signin(t, upn, name, ip, code, reason=None):
    status = {"errorCode": code}
    if reason:
        status["failureReason"] = reason
    return j({"time": t, "resourceId": "/tenants/72f988bf-0000-0000-0000-2d7cd011db47/providers/Microsoft.aadiam",
              "operationName": "Sign-in activity", "category": "SignInLogs", "resultType": str(code),
              "callerIpAddress": ip, "identity": name,
              "properties": {"createdDateTime": t.replace("Z", "+00:00"), "userDisplayName": name,
                             "userPrincipalName": upn, "appDisplayName": "Office 365 Exchange Online",
                             "ipAddress": ip, "clientAppUsed": "Browser", "status": status}})


FILES["entra-signin"] = [
    (signin("2025-03-10T08:10:02.1234567Z", "alice@contoso.example", "Alice Smith", "198.51.100.7", 0),
     ev("2025-03-10T08:10:02.123Z", "198.51.100.7", user="alice@contoso.example", outcome="success")),
    (signin("2025-03-10T08:10:40.0000000Z", "bob@contoso.example", "Bob Jones", "198.51.100.8", 50126,
            "Error validating credentials due to invalid username or password."),
     ev("2025-03-10T08:10:40.000Z", "198.51.100.8", user="bob@contoso.example", outcome="failure")),
    (signin("2025-03-10T08:11:05.5000000Z", "carol@contoso.example", "Carol White", "203.0.113.61", 0),
     ev("2025-03-10T08:11:05.500Z", "203.0.113.61", user="carol@contoso.example", outcome="success")),
]

# ArcSight Common Event Format (Micro Focus "Implementing ArcSight CEF": header, extension keys
# src, dst, spt, dpt, proto, suser, duser, outcome, rt).
FILES["cef"] = [
    ("Mar 10 08:20:02 sensor1 CEF:0|Security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=198.51.100.2 spt=1232 dpt=80 proto=TCP",
     ev("2025-03-10T08:20:02.000Z", "10.0.0.1", 1232, "198.51.100.2", 80, transport="tcp")),
    ("Mar 10 08:20:05 sensor1 CEF:0|Security|threatmanager|1.0|101|login attempt|5|rt=Mar 10 2025 08:20:05 UTC src=198.51.100.30 spt=50001 dst=10.0.0.2 dpt=22 proto=TCP duser=root outcome=failure",
     ev("2025-03-10T08:20:05.000Z", "198.51.100.30", 50001, "10.0.0.2", 22, user="root", outcome="failure", transport="tcp")),
    ("Mar 10 08:20:09 sensor1 CEF:0|Security|threatmanager|1.0|101|login attempt|3|rt=Mar 10 2025 08:20:09 UTC src=198.51.100.31 spt=50002 dst=10.0.0.2 dpt=22 proto=TCP duser=alice outcome=success",
     ev("2025-03-10T08:20:09.000Z", "198.51.100.31", 50002, "10.0.0.2", 22, user="alice", outcome="success", transport="tcp")),
    ("Mar 10 08:20:12 sensor1 CEF:0|Security|threatmanager|1.0|200|dns query blocked|6|src=10.0.0.6 spt=53111 dst=198.51.100.53 dpt=53 proto=UDP act=blocked",
     ev("2025-03-10T08:20:12.000Z", "10.0.0.6", 53111, "198.51.100.53", 53, transport="udp")),
]

# IBM QRadar Log Event Extended Format 1.0 (IBM documentation, "LEEF event components": tab
# separated predefined keys src, dst, srcPort, dstPort, usrName, proto, devTime).
TAB = "\t"
FILES["leef"] = [
    ("LEEF:1.0|Example|Gateway|2.1|LoginSuccess|" + TAB.join([
        "devTime=Mar 10 2025 08:30:02", "devTimeFormat=MMM dd yyyy HH:mm:ss", "src=198.51.100.7",
        "srcPort=50010", "dst=10.0.0.3", "dstPort=443", "proto=TCP", "usrName=alice", "sev=2"]),
     ev("2025-03-10T08:30:02.000Z", "198.51.100.7", 50010, "10.0.0.3", 443, user="alice", transport="tcp")),
    ("LEEF:1.0|Example|Gateway|2.1|LoginFailure|" + TAB.join([
        "devTime=Mar 10 2025 08:30:09", "devTimeFormat=MMM dd yyyy HH:mm:ss", "src=198.51.100.8",
        "srcPort=50011", "dst=10.0.0.3", "dstPort=443", "proto=TCP", "usrName=bob", "sev=5"]),
     ev("2025-03-10T08:30:09.000Z", "198.51.100.8", 50011, "10.0.0.3", 443, user="bob", transport="tcp")),
    ("LEEF:1.0|Example|Gateway|2.1|LoginSuccess|" + TAB.join([
        "devTime=Mar 10 2025 08:31:00", "devTimeFormat=MMM dd yyyy HH:mm:ss", "src=203.0.113.61",
        "srcPort=50012", "dst=10.0.0.3", "dstPort=443", "proto=TCP", "usrName=carol", "sev=2"]),
     ev("2025-03-10T08:31:00.000Z", "203.0.113.61", 50012, "10.0.0.3", 443, user="carol", transport="tcp")),
]

# Juniper SRX structured syslog, RFC 5424 with structured data (Junos OS System Log Reference:
# RT_FLOW_SESSION_CREATE / RT_FLOW_SESSION_DENY, source-address, destination-port, protocol-id).
def srx(t, tag, sa, sp, da, dp, proto, user, extra_msg):
    sd = (f'[junos@2636.1.1.1.2.40 source-address="{sa}" source-port="{sp}" destination-address="{da}" '
          f'destination-port="{dp}" service-name="junos-https" protocol-id="{proto}" policy-name="web" '
          f'source-zone-name="trust" destination-zone-name="untrust" username="{user}"]')
    return f"<14>1 {t} srx1 RT_FLOW - {tag} {sd} {extra_msg}"


FILES["junos-srx"] = [
    (srx("2025-03-10T08:40:02.123Z", "RT_FLOW_SESSION_CREATE", "10.0.0.5", 51514, "93.184.216.34", 443, 6, "alice",
         "session created 10.0.0.5/51514->93.184.216.34/443 junos-https"),
     ev("2025-03-10T08:40:02.123Z", "10.0.0.5", 51514, "93.184.216.34", 443, user="alice", transport="tcp")),
    (srx("2025-03-10T08:40:05.000Z", "RT_FLOW_SESSION_CREATE", "10.0.0.6", 51600, "93.184.216.35", 443, 6, "bob",
         "session created 10.0.0.6/51600->93.184.216.35/443 junos-https"),
     ev("2025-03-10T08:40:05.000Z", "10.0.0.6", 51600, "93.184.216.35", 443, user="bob", transport="tcp")),
    (srx("2025-03-10T08:40:09.500Z", "RT_FLOW_SESSION_DENY", "10.0.0.7", 53001, "198.51.100.53", 53, 17, "carol",
         "session denied 10.0.0.7/53001->198.51.100.53/53 junos-dns-udp"),
     ev("2025-03-10T08:40:09.500Z", "10.0.0.7", 53001, "198.51.100.53", 53, user="carol", transport="udp")),
]

# OpenSSH 8+/9 messages (OpenSSH source: auth.c and packet.c log formats, as sshd writes them to
# syslog with RFC 3339 times via rsyslog's default high-precision template).
FILES["openssh-9"] = [
    ("2025-03-10T08:50:02.123456+00:00 web-03 sshd[3101]: Connection closed by authenticating user root 198.51.100.7 port 40022 [preauth]",
     ev("2025-03-10T08:50:02.123Z", "198.51.100.7", 40022, user="root", outcome="failure")),
    ("2025-03-10T08:50:05.000001+00:00 web-03 sshd[3102]: Disconnected from invalid user test 198.51.100.8 port 40023 [preauth]",
     ev("2025-03-10T08:50:05.000Z", "198.51.100.8", 40023, user="test", outcome="failure")),
    ("2025-03-10T08:50:09.250000+00:00 web-03 sshd[3103]: Accepted publickey for deploy from 203.0.113.61 port 50100 ssh2: ED25519 SHA256:Xk3f9q2Lw8d4Jm7Vn0Bc5Rt1Yp6Hs2Ga8Ue4Oi9Kz0",
     ev("2025-03-10T08:50:09.250Z", "203.0.113.61", 50100, user="deploy", outcome="success")),
    ("2025-03-10T08:50:12.500000+00:00 web-03 sshd[3104]: Failed password for invalid user admin from 198.51.100.9 port 40024 ssh2",
     ev("2025-03-10T08:50:12.500Z", "198.51.100.9", 40024, user="admin", outcome="failure")),
]


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import batch2
    import probes
    import batch4
    import batch5
    import probes2
    import batch6
    batch2.add(FILES, ev, j)
    probes.add(FILES, ev, j)
    batch4.add(FILES, ev, j)
    batch5.add(FILES, ev, j)
    probes2.add(FILES, ev, j)
    batch6.add(FILES, ev, j)
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    for name, pairs in sorted(FILES.items()):
        with open(os.path.join(out, name + ".log"), "w", newline="\n") as f:
            for line, _ in pairs:
                f.write(line + "\n")
        with open(os.path.join(out, name + ".ecs.jsonl"), "w", newline="\n") as f:
            for _, e in pairs:
                f.write(json.dumps(e, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
