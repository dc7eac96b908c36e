#!/usr/bin/env python3
"""A tiny external renderer for MetaSim's process bridge (Sources/Render/BRIDGE.md).

Standard library only. Reads one JSON request per line on stdin, writes one JSON reply per line
on stdout (logs go to stderr). Draws, in graph order:
  - nodes with a `background` attribute (any value; it marks what fills the canvas): a
    constant grey level (`texture` or `intensity`) or colour (`color_r`, `color_g`, `color_b`);
  - nodes with `shape` "rectangle" or "ellipse": centre `loc_x`, `loc_y` (px), `size_x`,
    `size_y` or `size` (px), `yaw` (degrees, counter-clockwise), `intensity` or colour, `opacity`,
    with a 1-pixel anti-aliasing ramp, so positions are sub-pixel.
Other nodes are ignored. An error reply names the failing scene (`scene`). Replies carry inline 8-bit pixels, or with --png a PNG written to the
suggested output path (zlib + struct, written to a temporary name and renamed).

Usage: toy_renderer.py [--png]
"""
import base64
import json
import math
import os
import struct
import sys
import zlib


def number(attrs, name, default):
    value = attrs.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"attribute {name} must be a finite number, got {value!r}")
    return float(value)


def colour(attrs, channels, default):
    grey = number(attrs, "intensity", number(attrs, "texture", default) if not isinstance(attrs.get("texture"), str) else default)
    rgb = [number(attrs, n, grey) for n in ("color_r", "color_g", "color_b")]
    if channels == 1:
        return [grey] if not any(n in attrs for n in ("color_r", "color_g", "color_b")) else [0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]]
    return rgb


def coverage(shape, lx, ly, sx, sy):
    """Coverage of a pixel centre at local offset (lx, ly): 1-px linear ramp on a signed distance."""
    if shape in ("rectangle", "rect", "square"):
        qx, qy = abs(lx) - sx / 2, abs(ly) - sy / 2
        sd = math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0)
    else:
        ax, ay = max(sx / 2, 1e-6), max(sy / 2, 1e-6)
        f = math.hypot(lx / ax, ly / ay)
        g = math.hypot(lx / ax / ax, ly / ay / ay)
        sd = -min(ax, ay) if g < 1e-9 else (f - 1) * f / g
    return min(max(0.5 - sd, 0.0), 1.0)


def render(scene, canvas, classes):
    w, h, ch = canvas["width"], canvas["height"], canvas["channels"]
    pixels = [0.0] * (w * h * ch)
    instance = [0] * (w * h)
    semantic = [0] * (w * h)
    objects = []
    for k, node in enumerate(scene["nodes"]):
        attrs = node.get("attributes", {})
        if "background" in attrs:  # a node with a `background` attribute fills the canvas
            c = colour(attrs, ch, 0.0)
            for p in range(w * h):
                for j in range(ch):
                    pixels[p * ch + j] = c[j]
                instance[p] = 0
                semantic[p] = 0
            continue
        shape = attrs.get("shape")
        if shape not in ("rectangle", "rect", "square", "ellipse", "circle"):
            continue
        cx, cy = number(attrs, "loc_x", w / 2), number(attrs, "loc_y", h / 2)
        size = attrs.get("size")
        sx = number(attrs, "size_x", number(attrs, "size", 1) if size is not None else 1)
        sy = number(attrs, "size_y", number(attrs, "size", 1) if size is not None else 1)
        yaw = math.radians(number(attrs, "yaw", 0))
        opacity = min(max(number(attrs, "opacity", 1), 0), 1)
        c = colour(attrs, ch, 1.0)
        cls = node["class"]
        if cls not in classes:
            raise ValueError(f"node {k}: class {cls!r} is not in the class list")
        ident = len(objects) + 1
        covered = 0
        cos, sin = math.cos(yaw), math.sin(yaw)
        for y in range(h):
            for x in range(w):
                dx, dy = x + 0.5 - cx, y + 0.5 - cy
                a = opacity * coverage(shape, cos * dx - sin * dy, sin * dx + cos * dy, sx, sy)
                if a == 0:
                    continue
                p = y * w + x
                for j in range(ch):
                    pixels[p * ch + j] = c[j] * a + (1 - a) * pixels[p * ch + j]
                if a >= 0.5:
                    covered += 1
                    instance[p] = ident
                    semantic[p] = classes.index(cls) + 1
        objects.append({"node": k, "className": cls, "instanceId": ident, "covered": covered})
    annotations = []
    for o in objects:
        xs = [p % w for p in range(w * h) if instance[p] == o["instanceId"]]
        ys = [p // w for p in range(w * h) if instance[p] == o["instanceId"]]
        bbox = {"x": min(xs), "y": min(ys), "width": max(xs) - min(xs) + 1, "height": max(ys) - min(ys) + 1} if xs else None
        annotation = {"node": o["node"], "className": o["className"], "instanceId": o["instanceId"],
                      "visiblePixels": len(xs), "visibleFraction": len(xs) / o["covered"] if o["covered"] else 0.0,
                      "outsideCanvas": o["covered"] == 0 and not xs}
        if bbox:
            annotation["bbox"] = bbox
        annotations.append(annotation)
    truth = {"width": w, "height": h, "objects": annotations, "instanceMask": instance, "semanticMask": semantic}
    return bytes(min(max(int(round(v * 255)), 0), 255) for v in pixels), truth


def write_png(path, data, w, h, ch):
    rows = b"".join(b"\x00" + data[y * w * ch:(y + 1) * w * ch] for y in range(h))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    colour_type = 0 if ch == 1 else 2
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(png)
    os.replace(tmp, path)


def main():
    as_png = "--png" in sys.argv[1:]
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        scene_index = None  # the scene being drawn: named in an error reply
        try:
            canvas, classes = request["canvas"], request["classes"]
            images = []
            for i, scene in enumerate(request["scenes"]):
                scene_index = i
                data, truth = render(scene, canvas, classes)
                item = {"ground_truth": truth}
                if as_png:
                    write_png(request["outputs"][i], data, canvas["width"], canvas["height"], canvas["channels"])
                    item["path"] = request["outputs"][i]
                else:
                    item.update(width=canvas["width"], height=canvas["height"], channels=canvas["channels"],
                                pixels_base64=base64.b64encode(data).decode("ascii"))
                images.append(item)
            reply = {"id": request["id"], "images": images}
        except (KeyError, ValueError, TypeError) as e:
            print(f"toy_renderer: {e}", file=sys.stderr)
            reply = {"id": request.get("id", 0), "error": str(e)}
            if scene_index is not None:
                reply.update(error=f"scene {scene_index}: {e}", scene=scene_index)
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
