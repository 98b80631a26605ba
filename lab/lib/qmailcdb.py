"""qmail's users/cdb from users/assign, as qmail-newu(8) builds it, for lab
fixtures on machines without qmail: every assignment line becomes a record
keyed "!" + local part ("=" lines: exact, NUL-terminated; "+" lines: the
wildcard prefix), its first six ':'-separated fields NUL-joined; a last record
with the empty key lists the wildcard characters (qmail-newu.c). The file
format is D. J. Bernstein's cdb (https://cr.yp.to/cdb/cdb.txt)."""
import struct


def _hash(key):
    h = 5381
    for c in key:
        h = (((h << 5) + h) ^ c) & 0xffffffff
    return h


def cdb_write(path, records):
    """records: list of (key bytes, data bytes), in order; duplicates kept."""
    body, slots = bytearray(), [[] for _ in range(256)]
    pos = 2048
    for k, d in records:
        h = _hash(k)
        slots[h & 255].append((h, pos))
        rec = struct.pack("<LL", len(k), len(d)) + k + d
        body += rec
        pos += len(rec)
    header, tables = bytearray(), bytearray()
    for entries in slots:
        n = 2 * len(entries)
        table = [(0, 0)] * n
        for h, p in entries:
            i = (h >> 8) % n
            while table[i][1]:
                i = (i + 1) % n
            table[i] = (h, p)
        header += struct.pack("<LL", pos + len(tables), n)
        for h, p in table:
            tables += struct.pack("<LL", h, p)
    with open(path, "wb") as f:
        f.write(header + body + tables)


def newu(assign_text, cdb_path):
    """Compile assign_text (users/assign, ending at a "." line) to cdb_path."""
    records, wild = [], b""
    for line in assign_text.split("\n"):
        if line.startswith("."):
            break
        i = line.index(":")
        local = line[1:i].lower().encode()
        if line[0] == "+":
            key = b"!" + local
            if i >= 2 and line[i - 1].encode() not in wild:
                wild += line[i - 1].encode()
        else:
            key = b"!" + local + b"\0"
        fields = line[i + 1:].split(":")
        records.append((key, "\0".join(fields[:6]).encode()))
    records.append((b"", wild))
    cdb_write(cdb_path, records)
