"""The command line the sample generators share: `-o FILE` (default: the sample beside this
file), the lines a seeded `build(rng)` returns written with `\n` endings.

Used by the generators whose whole output is one list of lines (make_vpn_log.py,
make_linux_host_log.py, make_services_log.py); Python 3 standard library only.
"""

import argparse
import os
import random


def main(doc, name, build, seed):
    """Parses `-o`, runs `build(random.Random(seed))` and writes its lines."""
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("-o", "--output", default=os.path.join(here, name))
    args = ap.parse_args()
    lines = build(random.Random(seed))
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
