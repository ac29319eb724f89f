#!/usr/bin/env python3
"""Generate eval/samples/windows.log: a synthetic Windows event log, one event per line.

A short incident on an invented domain (EXAMPLE, example.org): a workstation user logs on, a
password-guessing run from 203.0.113.7 fails against the domain controller, then succeeds; the
intruder creates an account, adds it to the local Administrators group, installs a service,
starts processes and clears the Security log. Two renderings of a Windows event, as collectors
ship them:

  * JSON like the XML-to-JSON conversion SIEM agents write   {"Event": {"System": …, "EventData": …}}
    (Security and System channels)
  * the event's own XML on one line                          <Event xmlns=…><System>…</System>…</Event>
    (Sysmon's Operational channel)

Every name, SID, GUID, host and address is invented; addresses come from the documentation
ranges (RFC 5737). Deterministic (fixed seed):

    python3 eval/samples/make_windows_log.py          # writes eval/samples/windows.log
"""

import argparse
import json
import os
import random
from datetime import datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

SEED = 4624
START = datetime(2025, 3, 12, 8, 0, 0)
NS = "http://schemas.microsoft.com/win/2004/08/events/event"
DOMAIN = "EXAMPLE"
SID = "S-1-5-21-1111111111-2222222222-3333333333-"
ATTACKER = "203.0.113.7"
WS_IP = "192.0.2.31"

PROVIDERS = {
    "Microsoft-Windows-Security-Auditing": "{11111111-2222-4333-8444-555555555555}",
    "Microsoft-Windows-Eventlog": "{66666666-7777-4888-9999-aaaaaaaaaaaa}",
    "Service Control Manager": "{bbbbbbbb-cccc-4ddd-8eee-ffffffffffff}",
    "Microsoft-Windows-Sysmon": "{12345678-9abc-4def-8123-456789abcdef}",
}
TASKS = {4624: 12544, 4625: 12544, 4634: 12545, 4672: 12548, 4688: 13312, 4689: 13313,
         4720: 13824, 4732: 13826, 1102: 104, 7045: 0, 7036: 0, 1: 1, 3: 3}


class Log:
    def __init__(self, rng):
        self.rng = rng
        self.t = START
        self.record = {"Security": 880100, "System": 41200, "Microsoft-Windows-Sysmon/Operational": 7700}
        self.lines = []

    def step(self, lo, hi):
        self.t += timedelta(seconds=self.rng.randint(lo, hi), microseconds=self.rng.randint(0, 999999))
        return self.t

    def system(self, provider, eid, channel, computer, keywords):
        self.record[channel] += self.rng.randint(1, 40)
        return {
            "Provider": {"Name": provider, "Guid": PROVIDERS[provider]},
            "EventID": str(eid),
            "Version": "0",
            "Level": "0" if channel == "Security" else "4",
            "Task": str(TASKS[eid]),
            "Opcode": "0",
            "Keywords": keywords,
            "TimeCreated": {"SystemTime": self.t.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"},
            "EventRecordID": str(self.record[channel]),
            "Correlation": None,
            "Execution": {"ProcessID": "716" if channel == "Security" else "680", "ThreadID": str(self.rng.randint(700, 9000))},
            "Channel": channel,
            "Computer": computer,
            "Security": None,
        }

    def json_event(self, provider, eid, channel, computer, data, keywords="0x8020000000000000"):
        ev = {"Event": {"xmlns": NS, "System": self.system(provider, eid, channel, computer, keywords),
                        "EventData": {"Data": [{"Name": k, "text": v} for k, v in data]}}}
        self.lines.append(json.dumps(ev, separators=(",", ":")))

    def xml_event(self, provider, eid, channel, computer, data):
        s = self.system(provider, eid, channel, computer, "0x8000000000000000")
        parts = ["<Event xmlns=%s><System>" % quoteattr(NS),
                 "<Provider Name=%s Guid=%s/>" % (quoteattr(provider), quoteattr(s["Provider"]["Guid"]))]
        for k in ("EventID", "Version", "Level", "Task", "Opcode", "Keywords"):
            parts.append("<%s>%s</%s>" % (k, s[k], k))
        parts.append("<TimeCreated SystemTime=%s/>" % quoteattr(s["TimeCreated"]["SystemTime"]))
        parts.append("<EventRecordID>%s</EventRecordID><Correlation/>" % s["EventRecordID"])
        parts.append("<Execution ProcessID=%s ThreadID=%s/>" % (quoteattr("3120"), quoteattr(s["Execution"]["ThreadID"])))
        parts.append("<Channel>%s</Channel><Computer>%s</Computer>" % (escape(channel), escape(computer)))
        parts.append("<Security UserID=%s/></System><EventData>" % quoteattr("S-1-5-18"))
        for k, v in data:
            parts.append("<Data Name=%s>%s</Data>" % (quoteattr(k), escape(v)))
        parts.append("</EventData></Event>")
        self.lines.append("".join(parts))


def logon_id(rng):
    return "0x%x" % rng.randrange(0x100000, 0xfffffff)


def build(rng):
    log = Log(rng)
    dc, ws = "dc01.example.org", "ws-17.example.org"
    sec = "Microsoft-Windows-Security-Auditing"
    nobody = [("SubjectUserSid", "S-1-0-0"), ("SubjectUserName", "-"), ("SubjectDomainName", "-"), ("SubjectLogonId", "0x0")]
    machine = [("SubjectUserSid", "S-1-5-18"), ("SubjectUserName", "WS-17$"), ("SubjectDomainName", DOMAIN), ("SubjectLogonId", "0x3e7")]

    def logon(computer, user, rid, ltype, ip, port, process, package):
        lid = logon_id(rng)
        log.json_event(sec, 4624, "Security", computer, (machine if ltype == 2 else nobody) + [
            ("TargetUserSid", SID + rid), ("TargetUserName", user), ("TargetDomainName", DOMAIN),
            ("TargetLogonId", lid), ("LogonType", str(ltype)), ("LogonProcessName", process),
            ("AuthenticationPackageName", package), ("WorkstationName", "WS-17" if ltype == 2 else "-"),
            ("LogonGuid", "{00000000-0000-0000-0000-000000000000}"), ("TransmittedServices", "-"),
            ("LmPackageName", "-"), ("KeyLength", "0"), ("ProcessId", "0x2c4" if ltype == 2 else "0x0"),
            ("ProcessName", "C:\\Windows\\System32\\svchost.exe" if ltype == 2 else "-"),
            ("IpAddress", ip), ("IpPort", port), ("ImpersonationLevel", "%%1833"),
        ])
        return lid

    # 08:00 alice logs on interactively at her workstation, gets a shell
    log.step(1, 5)
    lid = logon(ws, "alice", "1104", 2, "127.0.0.1", "0", "User32 ", "Negotiate")
    for image, parent in (("C:\\Windows\\explorer.exe", "C:\\Windows\\System32\\userinit.exe"),
                          ("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\explorer.exe")):
        log.step(1, 20)
        log.json_event(sec, 4688, "Security", ws, [
            ("SubjectUserSid", SID + "1104"), ("SubjectUserName", "alice"), ("SubjectDomainName", DOMAIN),
            ("SubjectLogonId", lid), ("NewProcessId", "0x%x" % rng.randrange(0x1000, 0x3000)),
            ("NewProcessName", image), ("TokenElevationType", "%%1938"), ("ProcessId", "0x%x" % rng.randrange(0x400, 0xfff)),
            ("CommandLine", image), ("TargetUserSid", "S-1-0-0"), ("TargetUserName", "-"),
            ("TargetDomainName", "-"), ("TargetLogonId", "0x0"), ("ParentProcessName", parent),
            ("MandatoryLabel", "S-1-16-8192"),
        ])
        log.step(0, 1)
        log.xml_event("Microsoft-Windows-Sysmon", 1, "Microsoft-Windows-Sysmon/Operational", ws, [
            ("RuleName", "-"), ("UtcTime", log.t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]),
            ("ProcessGuid", "{1a2b3c4d-0000-1111-%04x-00000000%04x}" % (rng.randrange(1 << 16), rng.randrange(1 << 16))),
            ("ProcessId", str(rng.randrange(1000, 12000))), ("Image", image), ("FileVersion", "10.0.19041.1"),
            ("CommandLine", image), ("CurrentDirectory", "C:\\Users\\alice\\"), ("User", DOMAIN + "\\alice"),
            ("LogonId", lid), ("IntegrityLevel", "Medium"), ("ParentImage", parent),
        ])

    # 08:10 password guessing against the domain controller over the network
    for user in ("administrator", "admin", "backup", "administrator", "svc_sql"):
        log.step(2, 6)
        port = str(rng.randint(49152, 65535))
        log.json_event(sec, 4625, "Security", dc, nobody + [
            ("TargetUserSid", "S-1-0-0"), ("TargetUserName", user), ("TargetDomainName", DOMAIN),
            ("Status", "0xc000006d"), ("FailureReason", "%%2313"),
            ("SubStatus", "0xc000006a" if user in ("administrator", "svc_sql") else "0xc0000064"),
            ("LogonType", "3"), ("LogonProcessName", "NtLmSsp "), ("AuthenticationPackageName", "NTLM"),
            ("WorkstationName", "KALI"), ("TransmittedServices", "-"), ("LmPackageName", "-"), ("KeyLength", "0"),
            ("ProcessId", "0x0"), ("ProcessName", "-"), ("IpAddress", ATTACKER), ("IpPort", port),
        ], keywords="0x8010000000000000")
        log.step(0, 1)
        log.xml_event("Microsoft-Windows-Sysmon", 3, "Microsoft-Windows-Sysmon/Operational", dc, [
            ("RuleName", "-"), ("UtcTime", log.t.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]),
            ("ProcessGuid", "{1a2b3c4d-0000-1111-0004-000000000004}"), ("ProcessId", "4"), ("Image", "System"),
            ("User", "NT AUTHORITY\\SYSTEM"), ("Protocol", "tcp"), ("Initiated", "false"), ("SourceIsIpv6", "false"),
            ("SourceIp", ATTACKER), ("SourceHostname", "-"), ("SourcePort", port), ("DestinationIsIpv6", "false"),
            ("DestinationIp", "192.0.2.5"), ("DestinationHostname", "dc01.example.org"), ("DestinationPort", "445"),
        ])

    # 08:12 the guess for svc_sql works: network logon, special privileges
    log.step(5, 30)
    lid = logon(dc, "svc_sql", "1350", 3, ATTACKER, str(rng.randint(49152, 65535)), "NtLmSsp ", "NTLM")
    log.step(0, 0)
    log.json_event(sec, 4672, "Security", dc, [
        ("SubjectUserSid", SID + "1350"), ("SubjectUserName", "svc_sql"), ("SubjectDomainName", DOMAIN),
        ("SubjectLogonId", lid), ("PrivilegeList", "SeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeDebugPrivilege"),
    ])
    actor = [("SubjectUserSid", SID + "1350"), ("SubjectUserName", "svc_sql"), ("SubjectDomainName", DOMAIN), ("SubjectLogonId", lid)]

    # persistence: a new account in the Administrators group, a service
    log.step(20, 60)
    log.json_event(sec, 4720, "Security", dc, [
        ("TargetUserName", "helpdesk2"), ("TargetDomainName", DOMAIN), ("TargetSid", SID + "1601")] + actor + [
        ("PrivilegeList", "-"), ("SamAccountName", "helpdesk2"), ("DisplayName", "%%1793"), ("UserPrincipalName", "-"),
        ("HomeDirectory", "%%1793"), ("HomePath", "%%1793"), ("ScriptPath", "%%1793"), ("ProfilePath", "%%1793"),
        ("UserWorkstations", "%%1793"), ("PasswordLastSet", "%%1794"), ("AccountExpires", "%%1794"),
        ("PrimaryGroupId", "513"), ("AllowedToDelegateTo", "-"), ("OldUacValue", "0x0"), ("NewUacValue", "0x15"),
        ("UserAccountControl", "%%2080 %%2082 %%2084"), ("UserParameters", "%%1793"), ("SidHistory", "-"),
        ("LogonHours", "%%1797"),
    ])
    log.step(1, 5)
    log.json_event(sec, 4732, "Security", dc, [
        ("MemberName", "-"), ("MemberSid", SID + "1601"), ("TargetUserName", "Administrators"),
        ("TargetDomainName", "Builtin"), ("TargetSid", "S-1-5-32-544")] + actor + [("PrivilegeList", "-")])
    log.step(10, 40)
    log.json_event("Service Control Manager", 7045, "System", dc, [
        ("ServiceName", "Example Update Agent"), ("ImagePath", "C:\\ProgramData\\upd\\agent.exe -k"),
        ("ServiceType", "user mode service"), ("StartType", "auto start"), ("AccountName", "LocalSystem"),
    ], keywords="0x8080000000000000")
    for state in ("running", "stopped", "running"):
        log.step(1, 8)
        log.json_event("Service Control Manager", 7036, "System", dc, [
            ("param1", "Example Update Agent"), ("param2", state),
            ("Binary", "4500780061006D0070006C0065000000"),
        ], keywords="0x8080000000000000")
    for image in ("C:\\ProgramData\\upd\\agent.exe", "C:\\Windows\\System32\\wevtutil.exe"):
        log.step(5, 30)
        log.json_event(sec, 4688, "Security", dc, actor + [
            ("NewProcessId", "0x%x" % rng.randrange(0x1000, 0x3000)), ("NewProcessName", image),
            ("TokenElevationType", "%%1936"), ("ProcessId", "0x%x" % rng.randrange(0x400, 0xfff)),
            ("CommandLine", image + (" cl Security" if "wevtutil" in image else " -k")),
            ("TargetUserSid", "S-1-0-0"), ("TargetUserName", "-"), ("TargetDomainName", "-"), ("TargetLogonId", "0x0"),
            ("ParentProcessName", "C:\\Windows\\System32\\services.exe" if "agent" in image else "C:\\Windows\\System32\\cmd.exe"),
            ("MandatoryLabel", "S-1-16-16384"),
        ])
    # covering tracks
    log.step(0, 2)
    log.lines.append(json.dumps({"Event": {"xmlns": NS, "System": log.system("Microsoft-Windows-Eventlog", 1102, "Security", dc, "0x4020000000000000"),
                                           "UserData": {"LogFileCleared": {"xmlns": "http://manifests.microsoft.com/win/2004/08/windows/eventlog",
                                                                           "SubjectUserSid": SID + "1350", "SubjectUserName": "svc_sql",
                                                                           "SubjectDomainName": DOMAIN, "SubjectLogonId": lid}}}},
                                separators=(",", ":")))
    log.step(30, 90)
    log.json_event(sec, 4634, "Security", dc, [
        ("TargetUserSid", SID + "1350"), ("TargetUserName", "svc_sql"), ("TargetDomainName", DOMAIN),
        ("TargetLogonId", lid), ("LogonType", "3")])
    # alice's day goes on
    for _ in range(2):
        log.step(60, 300)
        logon(dc, "alice", "1104", 3, WS_IP, str(rng.randint(49152, 65535)), "Kerberos", "Kerberos")
    return log.lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("-o", "--output", default=os.path.join(here, "windows.log"))
    args = ap.parse_args()
    lines = build(random.Random(SEED))
    with open(args.output, "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    print("%d events -> %s" % (len(lines), args.output))


if __name__ == "__main__":
    main()
