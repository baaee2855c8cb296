#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""listener.py PORTFILE LOG: a loopback TCP listener for the lockdown test.
Writes its port to PORTFILE, then logs one line per connection (and what it
sent first) to LOG, answering HTTP 200 so that a request that got through
would also succeed."""
import socket, sys, threading

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(16)
with open(sys.argv[1], "w") as f:
    f.write(str(srv.getsockname()[1]))

def serve(c):
    c.settimeout(2)
    try:
        data = c.recv(200)
    except OSError:
        data = b""
    with open(sys.argv[2], "a") as log:
        log.write("connection: %r\n" % data[:120])
    try:
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nAccess-Control-Allow-Origin: *\r\n\r\nreached")
    except OSError:
        pass
    c.close()

while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
