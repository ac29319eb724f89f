"""The third batch of eval/ecs-docs (README.md, "Third batch"): eleven more documented formats,
written on 2026-12-07 while mechanisms were built for the second batch, as probes of them. They
are all open and their figure is **not** an unseen figure: they keep what the mechanisms give
from regressing. Same rules otherwise: lines written by the normforge team from each format's
public description, invented hosts, users and addresses, no line from a vendor's or a parser's
test data.
"""


def add(files, ev, j):
    # Linux netfilter LOG target (iptables-extensions(8), "LOG": IN, OUT, MAC, SRC, DST, LEN, TOS,
    # PREC, TTL, ID, PROTO, SPT, DPT, ...) through the kernel's syslog.
    def nf(t, uptime, src, dst, proto, spt, dpt):
        return (f"Mar 10 {t} gw kernel: [{uptime}] IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 "
                f"SRC={src} DST={dst} LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=4321 DF PROTO={proto} SPT={spt} DPT={dpt} "
                f"WINDOW=64240 RES=0x00 SYN URGP=0")

    files["iptables"] = [
        (nf("09:10:01", "12345.678901", "198.51.100.7", "10.0.0.8", "TCP", 40000, 22),
         ev("2025-03-10T09:10:01.000Z", "198.51.100.7", 40000, "10.0.0.8", 22, transport="tcp")),
        (nf("09:10:05", "12349.100000", "198.51.100.9", "10.0.0.8", "UDP", 5353, 53),
         ev("2025-03-10T09:10:05.000Z", "198.51.100.9", 5353, "10.0.0.8", 53, transport="udp")),
        (nf("09:10:09", "12353.200000", "198.51.100.10", "10.0.0.9", "TCP", 40001, 3389),
         ev("2025-03-10T09:10:09.000Z", "198.51.100.10", 40001, "10.0.0.9", 3389, transport="tcp")),
    ]

    # SonicWall SonicOS key=value syslog (SonicOS Log Events Reference: src and dst as
    # address:port:interface, proto as transport/service, usr).
    def sw(t, n, src, sport, dst, dport, svc, user):
        return (f'<134>id=firewall sn=0017C5123456 time="2025-03-10 {t} UTC" fw=203.0.113.1 pri=6 c=1024 m=537 '
                f'msg="Connection Closed" app=49177 n={n} src={src}:{sport}:X0 dst={dst}:{dport}:X1 '
                f'srcMac=00:11:22:33:44:55 dstMac=66:77:88:99:aa:bb proto=tcp/{svc} sent=1200 rcvd=5400 usr="{user}"')

    files["sonicwall"] = [
        (sw("09:20:01", 12345, "10.0.0.5", 51514, "93.184.216.34", 443, "https", "alice"),
         ev("2025-03-10T09:20:01.000Z", "10.0.0.5", 51514, "93.184.216.34", 443, user="alice", transport="tcp")),
        (sw("09:20:05", 12346, "10.0.0.6", 51600, "93.184.216.35", 80, "http", "bob"),
         ev("2025-03-10T09:20:05.000Z", "10.0.0.6", 51600, "93.184.216.35", 80, user="bob", transport="tcp")),
    ]

    # Sophos Firewall (XG) syslog (Sophos Firewall log file details: src_ip, dst_ip, src_port,
    # dst_port, user_name, protocol; status is the rule's verdict).
    def xg(t, sub, status, user, src, dst, proto, sport, dport):
        return (f'device="SFW" date=2025-03-10 time={t} timezone="UTC" device_name="XG230" device_id=C0100000000001 '
                f'log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="{sub}" '
                f'status="{status}" priority=Information duration=30 fw_rule_id=5 user_name="{user}" src_ip={src} '
                f'src_country_code= dst_ip={dst} dst_country_code=USA protocol="{proto}" src_port={sport} '
                f'dst_port={dport} sent_pkts=10 recv_pkts=9 sent_bytes=1200 recv_bytes=5400')

    files["sophos-xg"] = [
        (xg("09:30:01", "Allowed", "Allow", "alice", "10.0.0.5", "93.184.216.34", "TCP", 51514, 443),
         ev("2025-03-10T09:30:01.000Z", "10.0.0.5", 51514, "93.184.216.34", 443, user="alice", transport="tcp")),
        (xg("09:30:05", "Denied", "Deny", "bob", "10.0.0.6", "198.51.100.53", "UDP", 53001, 53),
         ev("2025-03-10T09:30:05.000Z", "10.0.0.6", 53001, "198.51.100.53", 53, user="bob", transport="udp")),
    ]

    # Cisco Secure Firewall Threat Defense connection events over syslog (FTD syslog message
    # 430003: `Key: value` pairs, SrcIP, DstIP, SrcPort, DstPort, Protocol, User; "No
    # Authentication Required" when no user is known).
    def ftd(t, action, src, dst, sport, dport, proto, user):
        return (f"<113>Mar 10 {t} ftd1 : %FTD-1-430003: EventPriority: Low, DeviceUUID: 0e4b9a2c-0000-0000-0000-000000000001, "
                f"InstanceID: 1, FirstPacketSecond: 2025-03-10T{t}Z, ConnectionID: 100, AccessControlRuleAction: {action}, "
                f"SrcIP: {src}, DstIP: {dst}, SrcPort: {sport}, DstPort: {dport}, Protocol: {proto}, "
                f"IngressInterface: outside, EgressInterface: inside, User: {user}")

    files["ftd"] = [
        (ftd("09:40:01", "Block", "198.51.100.7", "10.0.0.8", 40000, 22, "tcp", "No Authentication Required"),
         ev("2025-03-10T09:40:01.000Z", "198.51.100.7", 40000, "10.0.0.8", 22, transport="tcp")),
        (ftd("09:40:05", "Allow", "10.0.0.9", "198.51.100.53", 5353, 53, "udp", "alice"),
         ev("2025-03-10T09:40:05.000Z", "10.0.0.9", 5353, "198.51.100.53", 53, user="alice", transport="udp")),
    ]

    # Zscaler Internet Access web logs over NSS, tab-separated key=value (NSS feed output format:
    # login, cip the client, sip the server, respcode). An HTTP status of 400 or more is a failure.
    files["zscaler"] = [
        ("time=Mon Mar 10 09:50:01 2025\tlogin=alice@example.com\tproto=HTTPS\taction=Allowed\treason=Allowed\tcip=198.51.100.7\tsip=93.184.216.34\turl=www.example.com/\trespcode=200\treqmethod=CONNECT",
         ev("2025-03-10T09:50:01.000Z", "198.51.100.7", dst="93.184.216.34", user="alice@example.com", outcome="success")),
        ("time=Mon Mar 10 09:50:05 2025\tlogin=bob@example.com\tproto=HTTP\taction=Blocked\treason=Blocked\tcip=198.51.100.8\tsip=93.184.216.35\turl=bad.example.net/\trespcode=403\treqmethod=GET",
         ev("2025-03-10T09:50:05.000Z", "198.51.100.8", dst="93.184.216.35", user="bob@example.com", outcome="failure")),
    ]

    # Amazon GuardDuty findings (GuardDuty finding format: service.action.networkConnectionAction
    # with remoteIpDetails, remotePortDetails, localPortDetails; an INBOUND connection's remote
    # end is its source).
    def gd(t, fid, ip, port):
        return j({"schemaVersion": "2.0", "accountId": "123456789012", "region": "us-east-1", "id": fid,
                  "type": "UnauthorizedAccess:EC2/SSHBruteForce",
                  "service": {"action": {"actionType": "NETWORK_CONNECTION", "networkConnectionAction": {
                      "connectionDirection": "INBOUND",
                      "remoteIpDetails": {"ipAddressV4": ip, "organization": {"asn": "64500"}},
                      "remotePortDetails": {"port": port, "portName": "Unknown"},
                      "localPortDetails": {"port": 22, "portName": "SSH"}, "protocol": "TCP", "blocked": False}},
                      "eventFirstSeen": t},
                  "severity": 2, "createdAt": t, "updatedAt": t, "title": "SSH brute force"})

    files["guardduty"] = [
        (gd("2025-03-10T10:00:01.000Z", "a1b2", "198.51.100.7", 40000),
         ev("2025-03-10T10:00:01.000Z", "198.51.100.7", 40000, dport=22, transport="tcp")),
        (gd("2025-03-10T10:00:05.000Z", "a1b3", "198.51.100.8", 40001),
         ev("2025-03-10T10:00:05.000Z", "198.51.100.8", 40001, dport=22, transport="tcp")),
    ]

    # CrowdStrike Falcon Data Replicator, NetworkConnectIP4 (Falcon event reference: the host
    # made the connection, so its LocalAddressIP4 is the source, RemoteAddressIP4 the
    # destination; Protocol is the IANA number; ContextTimeStamp in epoch seconds).
    def cs(ts, lip, lport, rip, rport, user):
        return j({"event_simpleName": "NetworkConnectIP4", "ContextTimeStamp": ts, "aid": "abcdef0123456789",
                  "LocalAddressIP4": lip, "LocalPort": str(lport), "RemoteAddressIP4": rip,
                  "RemotePort": str(rport), "Protocol": "6", "ConnectionDirection": "0", "UserName": user})

    files["crowdstrike-fdr"] = [
        (cs("1741600801.123", "10.0.0.5", 51514, "93.184.216.34", 443, "alice"),
         ev("2025-03-10T10:00:01.123Z", "10.0.0.5", 51514, "93.184.216.34", 443, user="alice", transport="tcp")),
        (cs("1741600805.456", "10.0.0.6", 51600, "93.184.216.35", 80, "bob"),
         ev("2025-03-10T10:00:05.456Z", "10.0.0.6", 51600, "93.184.216.35", 80, user="bob", transport="tcp")),
    ]

    # Google Cloud VPC Flow Logs (VPC Flow Logs record format: jsonPayload.connection with
    # src_ip, src_port, dest_ip, dest_port, protocol as the IANA number).
    def gcp(t, src, sport, dst, dport, proto):
        return j({"insertId": "abc", "jsonPayload": {"connection": {"src_ip": src, "src_port": sport, "dest_ip": dst,
                                                                    "dest_port": dport, "protocol": proto},
                                                     "bytes_sent": "1200", "start_time": t, "end_time": t,
                                                     "reporter": "SRC"},
                  "logName": "projects/p/logs/compute.googleapis.com%2Fvpc_flows", "timestamp": t})

    files["gcp-vpc-flow"] = [
        (gcp("2025-03-10T10:20:01.000Z", "10.128.0.5", 51514, "93.184.216.34", 443, 6),
         ev("2025-03-10T10:20:01.000Z", "10.128.0.5", 51514, "93.184.216.34", 443, transport="tcp")),
        (gcp("2025-03-10T10:20:05.000Z", "10.128.0.6", 51600, "93.184.216.35", 53, 17),
         ev("2025-03-10T10:20:05.000Z", "10.128.0.6", 51600, "93.184.216.35", 53, transport="udp")),
    ]

    # AWS Application Load Balancer access logs (Elastic Load Balancing User Guide, "Access log
    # entries": type time elb client:port target:port ... elb_status_code ...). An HTTP status
    # of 400 or more is a failure.
    def alb(t, client, cport, target, code, path):
        return (f'https 2025-03-10T{t}Z app/my-lb/50dc6c495c0c9188 {client}:{cport} {target}:80 0.000 0.001 0.000 '
                f'{code} {code} 34 366 "GET https://www.example.com:443/{path} HTTP/1.1" "curl/7.46.0" '
                f'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 '
                f'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 '
                f'"Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" '
                f'"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 0 '
                f'2025-03-10T{t}Z "forward" "-" "-" "{target}:80" "{code}" "-" "-"')

    files["aws-alb"] = [
        (alb("10:30:01.123456", "198.51.100.7", 40000, "10.0.0.5", 200, ""),
         ev("2025-03-10T10:30:01.123Z", "198.51.100.7", 40000, "10.0.0.5", 80, outcome="success")),
        (alb("10:30:05.000000", "198.51.100.8", 40001, "10.0.0.6", 404, "missing"),
         ev("2025-03-10T10:30:05.000Z", "198.51.100.8", 40001, "10.0.0.6", 80, outcome="failure")),
    ]

    # Envoy access logs in JSON (Envoy documentation, "Access logging": command operators
    # %DOWNSTREAM_REMOTE_ADDRESS% the client, %UPSTREAM_HOST% the server it forwarded to,
    # %RESPONSE_CODE%). An HTTP status of 400 or more is a failure.
    def envoy(t, method, path, code, client, cport, up):
        return j({"start_time": t, "method": method, "path": path, "protocol": "HTTP/1.1", "response_code": code,
                  "bytes_received": 0, "bytes_sent": 512, "duration": 3,
                  "downstream_remote_address": f"{client}:{cport}", "upstream_host": f"{up}:8080",
                  "user_agent": "curl/8.0"})

    files["envoy"] = [
        (envoy("2025-03-10T11:00:01.123Z", "GET", "/api", 200, "198.51.100.7", 40000, "10.0.0.5"),
         ev("2025-03-10T11:00:01.123Z", "198.51.100.7", 40000, "10.0.0.5", 8080, outcome="success")),
        (envoy("2025-03-10T11:00:05.000Z", "POST", "/login", 401, "198.51.100.8", 40001, "10.0.0.6"),
         ev("2025-03-10T11:00:05.000Z", "198.51.100.8", 40001, "10.0.0.6", 8080, outcome="failure")),
    ]

    # Docker's json-file logging driver (Docker documentation, "JSON File logging driver": log,
    # stream, time) holding a web server's Common Log Format line.
    files["docker-json"] = [
        (j({"log": "198.51.100.7 - alice [10/Mar/2025:10:50:01 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8.0\"\n",
            "stream": "stdout", "time": "2025-03-10T10:50:01.123456789Z"}),
         ev("2025-03-10T10:50:01.123Z", "198.51.100.7", user="alice", outcome="success")),
        (j({"log": "198.51.100.8 - bob [10/Mar/2025:10:50:05 +0000] \"GET /admin HTTP/1.1\" 403 153 \"-\" \"curl/8.0\"\n",
            "stream": "stdout", "time": "2025-03-10T10:50:05.000000001Z"}),
         ev("2025-03-10T10:50:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
    ]
