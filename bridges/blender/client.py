"""A small Python client of the Blender bridge for check and benchmark scripts (standard library
and numpy; MetaSim itself talks to the bridge from Swift, ProcessRenderer).

    with BridgeClient(["--samples", "8"]) as bridge:
        reply = bridge.request(canvas, classes, scenes)      # the reply object (BRIDGE.md)
        image, truth = decode(reply["images"][0])            # uint8 HxWxC, ground truth with numpy masks
"""
import base64
import json
import os
import struct
import subprocess
import tempfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
COMMAND = os.path.join(HERE, "metasim-blender")


class BridgeClient:
    """One bridge process (`metasim-blender ARGS`); requests are answered in order."""

    def __init__(self, args=(), stderr=None):
        self.log = stderr if stderr is not None else tempfile.TemporaryFile()
        self.process = subprocess.Popen([COMMAND, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log, text=True, bufsize=1)
        self.next_id = 1

    def send(self, canvas, classes, scenes):
        """Sends one request without waiting; returns its id."""
        rid = self.next_id
        self.next_id += 1
        outputs = [f"/tmp/unused-{rid}-{i}.png" for i in range(len(scenes))]
        line = json.dumps({"id": rid, "canvas": canvas, "classes": classes, "scenes": scenes, "outputs": outputs})
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return rid

    def receive(self, rid):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the bridge stopped (status {self.process.poll()}); stderr: {self.stderr_tail()}")
        reply = json.loads(line)
        if reply.get("id") != rid:
            raise RuntimeError(f"reply id {reply.get('id')} for request {rid}")
        return reply

    def request(self, canvas, classes, scenes):
        return self.receive(self.send(canvas, classes, scenes))

    def stderr_tail(self, n=2000):
        try:
            self.log.seek(0)
            data = self.log.read()
            return (data.decode("utf-8", "replace") if isinstance(data, bytes) else data)[-n:]
        except (OSError, AttributeError):
            return ""

    def close(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def decode(item):
    """(uint8 image HxWxC, ground truth dict with instanceMask, semanticMask, depth as HxW arrays)."""
    h, w, c = item["height"], item["width"], item["channels"]
    image = np.frombuffer(base64.b64decode(item["pixels_base64"]), np.uint8).reshape(h, w, c)
    truth = dict(item["ground_truth"])
    for key in ("instanceMask", "semanticMask", "depth"):
        if key in truth:
            truth[key] = np.asarray(truth[key]).reshape(h, w)
    return image, truth


def write_png(path, image):
    """Writes a uint8 HxW(x1|3) array as an 8-bit grey or RGB PNG."""
    image = image if image.ndim == 3 else image[..., None]
    h, w, c = image.shape
    rows = b"".join(b"\x00" + image[y].tobytes() for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if c == 3 else 0, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def read_png(path):
    """An 8-bit grey or RGB, non-interlaced PNG (what MetaSim writes) as uint8 HxWxC."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, colour, _, _, interlace = header
    channels = {0: 1, 2: 3, 6: 4}.get(colour)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"{path}: only 8-bit grey, RGB or RGBA non-interlaced PNGs")
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * channels)
    out = np.zeros((h, w * channels), np.int32)
    for y in range(h):
        f, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        prev = out[y - 1] if y else np.zeros(w * channels, np.int32)
        if f == 0:
            out[y] = line
        elif f == 2:
            out[y] = (line + prev) & 255
        else:  # 1 sub, 3 average, 4 Paeth: depend on the pixel to the left
            row = np.zeros(w * channels, np.int32)
            for i in range(w * channels):
                a = row[i - channels] if i >= channels else 0
                c = prev[i - channels] if i >= channels else 0
                b = prev[i]
                if f == 1:
                    pred = a
                elif f == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (line[i] + pred) & 255
            out[y] = row
    return out.astype(np.uint8).reshape(h, w, channels)
