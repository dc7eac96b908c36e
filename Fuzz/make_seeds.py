#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into Fuzz/corpus/<target>/ (run from anywhere).

Seeds named valid-* must be accepted by their entry function, invalid-* must be rejected with an
error (FuzzReplayTests checks both); crash-* files are inputs that once crashed, kept as regressions
(they must now be rejected). Other seeds (seed-*) and the files the fuzzer adds (hash names) are only
required not to crash.
Re-running rewrites the seeds and leaves every other file alone.
"""
import base64, glob, gzip, json, os, re, shutil, struct, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")


def put(target, name, data):
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def grammar():
    for pattern in ["examples/grammars/*", "experiments/grammars/*"]:
        for path in sorted(glob.glob(os.path.join(ROOT, pattern))):
            # The original format checks that its asset_dir exists; the fuzz entry resolves paths
            # against a folder that does not, so that seed cannot be accepted there.
            prefix = "seed-" if "original" in os.path.basename(path) else "valid-"
            put("grammar", prefix + os.path.basename(path), open(path, "rb").read())
    for path in sorted(glob.glob(os.path.join(ROOT, "Tests/GrammarTests/Fixtures/bad/*"))):
        put("grammar", "invalid-" + os.path.basename(path), open(path, "rb").read())


def png_chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width, height, colour_type, depth, rows, extra=b""):
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra
            + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def pngs():
    put("png", "valid-grey-4x2.png", png(4, 2, 0, 8, [bytes([0, 80, 160, 255])] * 2))
    put("png", "valid-rgb-2x2.png", png(2, 2, 2, 8, [bytes([255, 0, 0, 0, 255, 0])] * 2))
    put("png", "valid-rgba-2x1.png", png(2, 1, 6, 8, [bytes([1, 2, 3, 4, 5, 6, 7, 8])]))
    put("png", "valid-grey16-2x1.png", png(2, 1, 0, 16, [bytes([0, 1, 255, 255])]))
    palette = png_chunk(b"PLTE", bytes([255, 0, 0, 0, 255, 0])) + png_chunk(b"tRNS", bytes([128]))
    put("png", "valid-palette-2x2.png", png(2, 2, 3, 8, [bytes([0, 1]), bytes([1, 0])], palette))
    put("png", "invalid-truncated.png", png(4, 2, 0, 8, [bytes([0, 80, 160, 255])] * 2)[:40])


def jpegs():
    # The small JPEGs embedded in the codec tests (made there with PIL).
    text = open(os.path.join(ROOT, "Tests/CodecsTests/CodecFixtures.swift")).read()
    for name in ["jpegRGB", "jpegGrey"]:
        b64 = re.search(r'static let %s = "([^"]+)"' % name, text).group(1)
        put("jpeg", "valid-%s.jpg" % name, base64.b64decode(b64))
    put("jpeg", "invalid-header-only.jpg", bytes([0xFF, 0xD8, 0xFF, 0xD9]))


def idx(dims, data):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


def idxs():
    put("idx", "valid-labels-3.idx", idx([3], [7, 1, 0]))
    put("idx", "valid-images-2x2x3.idx", idx([2, 2, 3], range(12)))
    put("idx", "valid-images-2x2x3.idx.gz", gzip.compress(idx([2, 2, 3], range(12)), mtime=0))
    put("idx", "invalid-truncated.idx", idx([4, 4], range(5)))


def safetensors(tensors, metadata=None):
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(payload)]}
        data += payload
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def safetensorses():
    put("safetensors", "valid-f32.safetensors",
        safetensors({"w": ("F32", [2, 2], struct.pack("<4f", 1, -2, 0.5, 3)), "b": ("F32", [], struct.pack("<f", 7))},
                    {"format": "pt"}))
    put("safetensors", "valid-mixed.safetensors",
        safetensors({"h": ("F16", [2], struct.pack("<2e", 1.5, -2)), "g": ("BF16", [1], b"\x80\x3f"),
                     "d": ("F64", [1], struct.pack("<d", 2.5)), "i": ("I64", [1], struct.pack("<q", -3)),
                     "j": ("I32", [2], struct.pack("<2i", 4, 5))}))
    put("safetensors", "invalid-unknown-dtype.safetensors", safetensors({"x": ("U8", [1], b"\x01")}))
    # Regression: an element count overflowing Int trapped in the byte-count check.
    put("safetensors", "crash-shape-overflow.safetensors", safetensors({"x": ("F32", [1 << 32, 1 << 32], b"")}))


def bridge(reply):
    return json.dumps(reply, separators=(",", ":")).encode()


def bridge_replies():
    w, h, c = 4, 3, 1
    pixels = base64.b64encode(bytes(range(0, 240, 20))).decode()
    truth = {"width": w, "height": h,
             "objects": [{"node": 1, "className": "box", "instanceId": 1, "bbox": {"x": 0, "y": 0, "width": 2, "height": 2},
                          "visiblePixels": 4, "visibleFraction": 1.0, "outsideCanvas": False}],
             "instanceMask": [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0], "semanticMask": [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0]}
    put("bridge-reply", "valid-inline.json",
        bridge({"id": 1, "images": [{"width": w, "height": h, "channels": c, "pixels_base64": pixels}]}))
    put("bridge-reply", "valid-inline-truth.json",
        bridge({"id": 1, "images": [{"width": w, "height": h, "channels": c, "pixels_base64": pixels, "ground_truth": truth}]}))
    put("bridge-reply", "valid-path.json", bridge({"id": 1, "images": [{"path": "ok.png"}]}))
    put("bridge-reply", "invalid-error.json", bridge({"id": 1, "error": "scene too large"}))
    put("bridge-reply", "invalid-missing-path.json", bridge({"id": 1, "images": [{"path": "missing.png"}]}))
    put("bridge-reply", "invalid-wrong-id.json", bridge({"id": 2, "images": []}))
    # Regression: width x height x channels overflowing Int trapped before the byte-count check.
    put("bridge-reply", "crash-pixel-count-overflow.json",
        bridge({"id": 1, "images": [{"width": 1 << 32, "height": 1 << 32, "channels": 1, "pixels_base64": ""}]}))


if __name__ == "__main__":
    grammar(); pngs(); jpegs(); idxs(); safetensorses(); bridge_replies()
    for target in sorted(os.listdir(CORPUS)):
        print(target, len(os.listdir(os.path.join(CORPUS, target))), "files")
