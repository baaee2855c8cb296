#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""http_server.py DIR: the loopback servers test_http.sh fetches from.

Listens (dual stack, so 127.0.0.1 and [::1] would both reach it) on a main
port and an "other" port, and holds a third port whose accept queue is full
(a connect there never completes: a connect timeout must end it). Every
request is logged as one JSON line in DIR/log (port, method, path, headers,
body as hex); a body the client stopped reading is logged as "aborted".
Writes "MAIN OTHER HOLE" to DIR/ports once listening.
"""
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

out = sys.argv[1]
lock = threading.Lock()


def log(entry):
    with lock, open(os.path.join(out, 'log'), 'a') as f:
        f.write(json.dumps(entry) + '\n')


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body=b'', headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def handle_any(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(n) if n else b''
        port = self.server.server_address[1]
        log({'port': port, 'method': self.command, 'path': self.path,
             'headers': [[k.lower(), v] for k, v in self.headers.items()], 'body': body.hex()})
        p = self.path
        if p.startswith('/echo'):
            self.reply(200, f'{self.command} {p} {len(body)}'.encode(),
                       [('X-Test', 'seen'), ('Content-Type', 'text/plain')])
        elif p == '/json':
            self.reply(200, b'{"ok": true, "n": 42}', [('Content-Type', 'application/json')])
        elif p == '/status/404':
            self.reply(404, b'nope')
        elif p == '/stream':
            self.send_response(200)
            self.end_headers()
            for i in range(6):
                self.wfile.write(bytes((i * 100000 + j) % 251 for j in range(100000)))
                self.wfile.flush()
                time.sleep(0.05)
        elif p == '/endless':
            self.send_response(200)
            self.end_headers()
            try:
                for _ in range(2000):
                    self.wfile.write(b'x' * 65536)
                    self.wfile.flush()
                    time.sleep(0.01)
            except (BrokenPipeError, ConnectionResetError):
                log({'aborted': p})
        elif p.startswith('/slow'):
            time.sleep(5)
            self.reply(200, b'late')
        elif p == '/redirect-in':
            self.reply(302, headers=[('Location', '/echo?from=redirect')])
        elif p == '/redirect-out':
            self.reply(302, headers=[('Location', f'http://127.0.0.1:{other_port}/stolen')])
        elif p == '/redirect-private':
            self.reply(302, headers=[('Location', '/private/secret')])
        elif p.startswith('/loop/'):
            self.reply(302, headers=[('Location', f'/loop/{int(p[6:]) + 1}')])
        elif p == '/see-other':
            self.reply(303, headers=[('Location', '/echo?after=303')])
        else:
            self.reply(200, b'should never be fetched')

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any


class Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


main = Server(('::', 0), Handler)
other = Server(('::', 0), Handler)
other_port = other.server_address[1]
hole = socket.socket(socket.AF_INET6)
hole.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
hole.bind(('::', 0))
hole.listen(0)
fillers = []
for _ in range(4):  # fill the accept queue: later SYNs are dropped
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(('127.0.0.1', hole.getsockname()[1]))
    fillers.append(c)
for s in (main, other):
    threading.Thread(target=s.serve_forever, daemon=True).start()
with open(os.path.join(out, 'ports.tmp'), 'w') as f:
    f.write(f'{main.server_address[1]} {other_port} {hole.getsockname()[1]}\n')
os.rename(os.path.join(out, 'ports.tmp'), os.path.join(out, 'ports'))
while True:
    time.sleep(3600)
