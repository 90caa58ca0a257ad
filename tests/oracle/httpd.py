#!/usr/bin/python3
"""A loopback HTTP server for download tests, standard library only.

Serves ROOT on 127.0.0.1 (an ephemeral port unless --port), prints the port on
stdout as its first line, and logs one line per request to --log:

    GET /keras_imagenet/x.npy range=bytes=100- status=206 sent=900

Byte ranges (Range: bytes=A-B, A-, -N) get 206 + Content-Range, or 416.
Fault injection, each option repeatable; PATH is the URL path ("/dir/file"):
  --corrupt PATH      serve PATH with one byte flipped (the middle one)
  --cut PATH:N        the first GET of PATH sends its headers, then only N body
                      bytes, then closes the connection (later GETs are normal)
  --stall PATH:N      every GET of PATH sends its headers and N body bytes, then
                      sends nothing more (the connection stays open)
  --stall-headers PATH  accept GETs of PATH and never answer
  --status PATH:CODE  answer CODE (e.g. 404) with a short body
  --ignore-range      answer every GET with 200 and the whole file
  --redirect PREFIX   GET PREFIX/rest answers 302 to /rest
"""
import argparse
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_args():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", default=None)
    ap.add_argument("--corrupt", action="append", default=[])
    ap.add_argument("--cut", action="append", default=[])
    ap.add_argument("--stall", action="append", default=[])
    ap.add_argument("--stall-headers", action="append", default=[])
    ap.add_argument("--status", action="append", default=[])
    ap.add_argument("--ignore-range", action="store_true")
    ap.add_argument("--redirect", default=None)
    return ap.parse_args()


def path_num(items):
    out = {}
    for it in items:
        path, _, n = it.rpartition(":")
        out[path] = int(n)
    return out


ARGS = parse_args()
ROOT = os.path.realpath(ARGS.root)
CORRUPT = set(ARGS.corrupt)
CUT = path_num(ARGS.cut)
STALL = path_num(ARGS.stall)
STALL_HEADERS = set(ARGS.stall_headers)
STATUS = path_num(ARGS.status)
lock = threading.Lock()
cut_done = set()
log_file = open(ARGS.log, "a", buffering=1) if ARGS.log else None


def log(line):
    if log_file:
        with lock:
            log_file.write(line + "\n")


def parse_range(header, size):
    """(start, end) inclusive, None for no/unsupported range, 'bad' if unsatisfiable."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    a, _, b = header[6:].strip().partition("-")
    try:
        if a == "":
            n = int(b)
            if n <= 0:
                return "bad"
            return (max(0, size - n), size - 1)
        start = int(a)
        end = int(b) if b else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return "bad"
    return (start, min(end, size - 1))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: our own log instead
        pass

    def finish_log(self, status, sent):
        rng = self.headers.get("Range")
        log("%s %s range=%s status=%d sent=%d" % (self.command, self.path, rng or "-", status, sent))

    def simple(self, code, body=b"", extra=()):
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.finish_log(code, len(body))

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        self.close_connection = True
        path = self.path.split("?", 1)[0]
        if ARGS.redirect and path.startswith(ARGS.redirect + "/"):
            return self.simple(302, b"", [("Location", path[len(ARGS.redirect):])])
        if path in STALL_HEADERS:
            self.finish_log(0, 0)
            time.sleep(3600)
            return
        if path in STATUS:
            return self.simple(STATUS[path], b"injected status\n")
        full = os.path.realpath(os.path.join(ROOT, path.lstrip("/")))
        if not full.startswith(ROOT + os.sep) or not os.path.isfile(full):
            return self.simple(404, b"not found\n")
        with open(full, "rb") as f:
            data = bytearray(f.read())
        if path in CORRUPT and data:
            data[len(data) // 2] ^= 0xFF
        size = len(data)
        rng = None if ARGS.ignore_range else parse_range(self.headers.get("Range"), size)
        if rng == "bad":
            return self.simple(416, b"", [("Content-Range", "bytes */%d" % size)])
        if rng is None:
            code, start, end = 200, 0, size - 1
        else:
            code, (start, end) = 206, rng
        body = bytes(data[start:end + 1])
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "none" if ARGS.ignore_range else "bytes")
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return self.finish_log(code, 0)
        limit = None
        with lock:
            if path in CUT and path not in cut_done:
                cut_done.add(path)
                limit = CUT[path]
        if path in STALL:
            limit = STALL[path]
        sent = body if limit is None else body[:limit]
        self.wfile.write(sent)
        self.wfile.flush()
        self.finish_log(code, len(sent))
        if path in STALL:
            time.sleep(3600)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", ARGS.port), Handler)
    sys.stdout.write("%d\n" % srv.server_address[1])
    sys.stdout.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
