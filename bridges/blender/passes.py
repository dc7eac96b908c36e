"""Render passes -> BRIDGE.md image and ground truth (numpy only, no bpy).

Blender writes one uncompressed multilayer OpenEXR per graph (Combined, IndexOB, IndexMA,
Depth); `read_exr` reads it, `ground_truth` turns the passes into the reply's masks, boxes and
depth. OpenEXR layout: openexr.com/en/latest/OpenEXRFileLayout.html (scanline, no compression).
"""
import base64
import struct

import numpy as np

# Cycles' Depth pass holds 1e10 where a ray hits nothing (the sky): 0 in MetaSim's depth maps.
NO_HIT_DEPTH = 1e9


def read_exr(path):
    """Channels of an uncompressed scanline OpenEXR: {name: float32 array (height, width)}, row 0
    at the top. Raises ValueError for other layouts (tiled, multi-part, compressed)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8 or struct.unpack_from("<I", data, 0)[0] != 20000630:
        raise ValueError(f"{path}: not an OpenEXR file")
    if struct.unpack_from("<I", data, 4)[0] & 0x1200:
        raise ValueError(f"{path}: tiled or multi-part OpenEXR")
    pos, header = 8, {}
    while data[pos] != 0:
        end = data.index(b"\0", pos); name = data[pos:end].decode(); pos = end + 1
        end = data.index(b"\0", pos); pos = end + 1
        size = struct.unpack_from("<i", data, pos)[0]; pos += 4
        header[name] = data[pos:pos + size]; pos += size
    pos += 1
    if header["compression"][0] != 0:
        raise ValueError(f"{path}: compressed OpenEXR (the bridge writes codec NONE)")
    channels, raw, p = [], header["channels"], 0
    while raw[p] != 0:
        end = raw.index(b"\0", p); name = raw[p:end].decode(); p = end + 1
        channels.append((name, struct.unpack_from("<i", raw, p)[0])); p += 16
    x0, y0, x1, y1 = struct.unpack("<4i", header["dataWindow"])
    w, h = x1 - x0 + 1, y1 - y0 + 1
    pos += 8 * h  # line offset table: scanlines follow in order
    types = {0: np.uint32, 1: np.float16, 2: np.float32}
    out = {n: np.empty((h, w), np.float32) for n, _ in channels}
    for _ in range(h):
        y = struct.unpack_from("<i", data, pos)[0]; pos += 8
        for n, t in channels:
            dt = np.dtype(types[t])
            out[n][y - y0] = np.frombuffer(data, dt, w, pos); pos += w * dt.itemsize
    return out


def layer(channels, pass_name, suffix):
    """The channel `<view layer>.<pass_name>.<suffix>` (any view layer name)."""
    for name, values in channels.items():
        parts = name.split(".")
        if len(parts) >= 2 and parts[-2] == pass_name and parts[-1] == suffix:
            return values
    raise ValueError(f"render has no {pass_name}.{suffix} pass (found: {', '.join(sorted(channels))})")


def image_bytes(channels, canvas_channels):
    """8-bit pixels, row-major, channels interleaved: Combined (scene linear) clamped to [0, 1]
    as is — MetaSim's built-in renderers write linear values too; 1 channel = luminance
    0.299 R + 0.587 G + 0.114 B."""
    rgb = np.stack([layer(channels, "Combined", c) for c in "RGB"], axis=-1)
    if canvas_channels == 1:
        rgb = (rgb @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
    return np.clip(np.rint(np.clip(rgb, 0, 1) * 255), 0, 255).astype(np.uint8).tobytes()


def ground_truth(channels, annotated):
    """BRIDGE.md `ground_truth` from the index passes: instance k = Blender object pass index k
    (`annotated[k-1]`), semantic = material pass index (class index + 1), tight boxes of each
    instance's pixels, depth = Cycles' Z pass (distance along the optical axis, metres; 0 where
    nothing was hit). Index passes hold the front-most surface at each pixel. `visibleFraction`
    is 1 for visible objects and 0 otherwise: occlusion by other objects is not measured."""
    instance = np.rint(layer(channels, "IndexOB", "X")).astype(np.int64)
    semantic = np.rint(layer(channels, "IndexMA", "X")).astype(np.int64)
    depth = layer(channels, "Depth", "Z").astype(np.float64)
    depth = np.where(depth >= NO_HIT_DEPTH, 0.0, depth)
    h, w = instance.shape
    instance = np.where((instance >= 1) & (instance <= len(annotated)), instance, 0)
    objects = []
    for k, (node, class_name, _) in enumerate(annotated, start=1):
        ys, xs = np.nonzero(instance == k)
        item = {"node": node, "className": class_name, "instanceId": k, "visiblePixels": int(len(xs)),
                "visibleFraction": 1.0 if len(xs) else 0.0, "outsideCanvas": not len(xs)}
        if len(xs):
            item["bbox"] = {"x": int(xs.min()), "y": int(ys.min()),
                            "width": int(xs.max() - xs.min() + 1), "height": int(ys.max() - ys.min() + 1)}
        objects.append(item)
    return {"width": w, "height": h, "objects": objects,
            "instanceMask": instance.ravel().tolist(), "semanticMask": semantic.ravel().tolist(),
            "depth": [round(float(d), 4) for d in depth.ravel()]}


def reply_image(channels, canvas, annotated):
    """One reply `images` entry: inline pixels and ground truth."""
    data = image_bytes(channels, canvas["channels"])
    return {"width": canvas["width"], "height": canvas["height"], "channels": canvas["channels"],
            "pixels_base64": base64.b64encode(data).decode("ascii"),
            "ground_truth": ground_truth(channels, annotated)}
