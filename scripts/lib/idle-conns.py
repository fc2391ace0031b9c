#!/usr/bin/env python3
"""Opens N keep-alive connections to HOST:PORT, makes one GET on each (so each is a served, idle
keep-alive connection, not a half-open accept), prints "ready N" and holds them until killed.
Usage: idle-conns.py HOST PORT N"""
import selectors
import signal
import socket
import sys

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
request = b"GET / HTTP/1.1\r\nHost: idle\r\n\r\n"
sel = selectors.DefaultSelector()
conns, pending = [], 0
for i in range(n):
    s = socket.create_connection((host, port))
    s.setblocking(False)
    s.sendall(request)
    sel.register(s, selectors.EVENT_READ, bytearray())
    conns.append(s)
    pending += 1
    # keep the number of outstanding requests bounded so the accept queue never overflows
    while pending > 256 or (i == n - 1 and pending > 0):
        for key, _ in sel.select(timeout=10):
            buf = key.data
            chunk = key.fileobj.recv(65536)
            if not chunk:
                sys.exit("connection closed before the response")
            buf += chunk
            head, sep, body = bytes(buf).partition(b"\r\n\r\n")
            if sep:
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if len(body) >= length:
                    sel.unregister(key.fileobj)
                    pending -= 1
print("ready", len(conns), flush=True)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
signal.pause()
