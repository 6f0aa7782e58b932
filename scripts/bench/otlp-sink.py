#!/usr/bin/env python3
"""A stand-in OpenTelemetry collector for the tracing benchmark (docs/benchmarks.md): answers 200
to every OTLP/HTTP export on 127.0.0.1:PORT (default 4318) and, when stopped, prints how many
exports and bytes it took. It decodes nothing: the cost measured is the platform's, not a
collector's. Usage: scripts/bench/otlp-sink.py [PORT]"""
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

exports = 0
received = 0


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        global exports, received
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        exports += 1
        received += len(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def report(*_):
    print(f"otlp-sink: {exports} exports, {received} bytes", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, report)
signal.signal(signal.SIGINT, report)
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 4318), Sink).serve_forever()
