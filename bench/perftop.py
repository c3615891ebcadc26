# SPDX-License-Identifier: GPL-3.0-or-later
"""The top entries of a perf profile, as one JSON line for bench/report.py.

    perf report --stdio --no-children --sort dso,sym -i DATA | perftop.py NAME

Lines of `perf report` look like
    54.75%  libc.so.6   [.] __memmove_avx512_unaligned_erms
and the entries of at least LIMIT percent are kept, libraries without
symbols and the kernel summed into one entry each.
"""

import json
import re
import sys

LIMIT = 3.0
LINE = re.compile(r'^\s*([0-9.]+)%\s+(\S+)\s+\[[.k]\]\s+(.+?)\s*$')


def main():
    name = sys.argv[1]
    totals = {}
    for line in sys.stdin:
        m = LINE.match(line)
        if not m:
            continue
        percent, dso, symbol = float(m.group(1)), m.group(2), m.group(3)
        # Libraries without symbols show addresses: count them as the
        # library; the kernel's functions as one entry too.
        if dso == '[kernel.kallsyms]':
            key = ('kernel', '')
        elif symbol.startswith('0x'):
            key = (dso, '')
        else:
            key = (dso, symbol)
        totals[key] = totals.get(key, 0.0) + percent
    top = [{'percent': round(p, 2), 'dso': k[0], 'symbol': k[1]}
           for k, p in sorted(totals.items(), key=lambda kv: -kv[1]) if p >= LIMIT]
    print(json.dumps({'suite': 'profile', 'name': name, 'top': top[:6]}))


if __name__ == '__main__':
    main()
