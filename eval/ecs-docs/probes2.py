"""Probes of eval/ecs-docs (README.md, "Probes of prose accounts"): documented formats that write
an account and an address in prose, written on 2026-12-08 while the mechanisms for the fifth
batch were built, as probes of them. They are all open and their figure is **not** an unseen
figure: they keep what the mechanisms give from regressing. Same rules otherwise: lines written
by the normforge team from each format's public description, invented hosts, users and
addresses, no line from a vendor's or a parser's test data.
"""


def add(files, ev, j):
    # Cyrus IMAP through syslog (Cyrus IMAP documentation, "Logging": `login: host [address]
    # user mechanism User logged in`, `badlogin: host [address] mechanism user SASL(-13): …`).
    files["cyrus-imap"] = [
        ("Mar 10 16:10:01 mail imap[2201]: login: client1.example.org [198.51.100.7] alice plaintext User logged in "
         "SESSIONID=<mail-2201-1741623001-1>",
         ev("2025-03-10T16:10:01.000Z", "198.51.100.7", user="alice", outcome="success")),
        ("Mar 10 16:10:05 mail imap[2202]: login: client2.example.org [198.51.100.8] bob plaintext User logged in "
         "SESSIONID=<mail-2202-1741623005-1>",
         ev("2025-03-10T16:10:05.000Z", "198.51.100.8", user="bob", outcome="success")),
    ]

    # Webmin's miniserv through syslog (Webmin documentation, "Webmin Configuration", logging of
    # logins: `Successful login as user from address`, `Invalid login as user from address`).
    files["webmin"] = [
        ("Mar 10 16:20:01 admin1 webmin[3301]: Successful login as alice from 198.51.100.7",
         ev("2025-03-10T16:20:01.000Z", "198.51.100.7", user="alice", outcome="success")),
        ("Mar 10 16:20:05 admin1 webmin[3302]: Invalid login as bob from 198.51.100.8",
         ev("2025-03-10T16:20:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        ("Mar 10 16:20:09 admin1 webmin[3303]: Invalid login as root from 203.0.113.9",
         ev("2025-03-10T16:20:09.000Z", "203.0.113.9", user="root", outcome="failure")),
    ]

    # Roundcube's userlogins log (Roundcube configuration `log_logins`: `Successful login for
    # user (ID: n) from address in session id`, `Failed login for user from address in session
    # id (error: n)`), its own bracketed time.
    files["roundcube"] = [
        ("[10-Mar-2025 16:30:01 +0000]: <k2b4c6d8> Successful login for alice (ID: 12) from 198.51.100.7 in session "
         "k2b4c6d8e0f1a3c5",
         ev("2025-03-10T16:30:01.000Z", "198.51.100.7", user="alice", outcome="success")),
        ("[10-Mar-2025 16:30:05 +0000]: <m3c5e7f9> Failed login for bob from 198.51.100.8 in session m3c5e7f9a1b2c3d4 "
         "(error: 0)",
         ev("2025-03-10T16:30:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
        ("[10-Mar-2025 16:30:09 +0000]: <n4d6f8a0> Failed login for carol from 203.0.113.9 in session n4d6f8a0b2c4d6e8 "
         "(error: 0)",
         ev("2025-03-10T16:30:09.000Z", "203.0.113.9", user="carol", outcome="failure")),
    ]

    # Mosquitto MQTT broker (mosquitto.conf(5) `log_type notice`: `New client connected from
    # address:port as id (p2, c1, k60, u'user').`), with its epoch-seconds prefix.
    files["mosquitto"] = [
        ("1741624201: New client connected from 198.51.100.7:51234 as sensor-1 (p2, c1, k60, u'alice').",
         ev("2025-03-10T16:30:01.000Z", "198.51.100.7", 51234, user="alice")),
        ("1741624205: New client connected from 198.51.100.8:51300 as sensor-2 (p2, c1, k60, u'bob').",
         ev("2025-03-10T16:30:05.000Z", "198.51.100.8", 51300, user="bob")),
    ]

    # OpenSMTPD through syslog (smtpd(8) log lines: `smtp authentication user=… address=…
    # host=… result=ok|permfail`).
    files["opensmtpd"] = [
        ("Mar 10 16:40:01 mx1 smtpd[4401]: 7a1b2c3d4e5f6a7b smtp authentication user=alice address=198.51.100.7 "
         "host=client1.example.org result=ok",
         ev("2025-03-10T16:40:01.000Z", "198.51.100.7", user="alice", outcome="success")),
        ("Mar 10 16:40:05 mx1 smtpd[4401]: 8b2c3d4e5f6a7b8c smtp authentication user=bob address=198.51.100.8 "
         "host=client2.example.org result=permfail",
         ev("2025-03-10T16:40:05.000Z", "198.51.100.8", user="bob", outcome="failure")),
    ]
