"""Scene graph (BRIDGE.md request) -> a plain scene description, without bpy.

Reads the same `model` attributes, defaults and ranges as MetaSim's built-in 3D renderer
(Sources/Render3D/README.md, SceneReader.swift) so both engines build the same scene from one
graph, plus what only this bridge has: `model: primitive` and `asset_file` (README.md here).
World frame as in Render3D: metres, X right, Y up, Z forward along the road, ground Y = 0.
"""
import math

import meshes

MODELS = ("camera", "environment", "road", "lane", "car", "building", "tree", "primitive")
DEFAULT_SKY = (0.72, 0.80, 0.90)
DEFAULT_ZENITH = (0.32, 0.50, 0.82)
DEFAULT_GROUND = (0.30, 0.40, 0.20)


class SceneError(ValueError):
    """A graph the bridge cannot build: `path` is `nodes[K].attributes.NAME` (or `nodes[K]`)."""

    def __init__(self, path, message):
        super().__init__(f"{path}: {message}")
        self.path = path


class Node:
    def __init__(self, node, k):
        self.node, self.k = node, k
        self.attrs = node.get("attributes", {}) or {}

    def error(self, name, message):
        return SceneError(f"nodes[{self.k}].attributes.{name}" if name else f"nodes[{self.k}]", message)

    def number(self, name, default, lo=None, hi=None):
        value = self.attrs.get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.error(name, f"must be a finite number, got {value!r}")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise self.error(name, f"must be in {lo}...{hi}, got {value}")
        return float(value)

    def string(self, name):
        value = self.attrs.get(name)
        if value is not None and not isinstance(value, str):
            raise self.error(name, f"must be a string, got {value!r}")
        return value

    def color(self, default, prefix="color"):
        return tuple(self.number(f"{prefix}_{c}", d) for c, d in zip("rgb", default))

    def visible(self):
        """False only for `visible: false` (as Render3D's NodeReader)."""
        return self.attrs.get("visible", True) is not False

    def side(self):
        s = self.number("side", 1)
        if s == 0:
            raise self.error("side", "must be < 0 (left) or > 0 (right), not 0")
        return -1.0 if s < 0 else 1.0


def read(scene, classes):
    """The scene description of one graph: a dict with `camera` (height, lateral, pitch, yaw,
    fov; degrees), `environment` (sun unit vector toward the sun, ambient, sky, zenith, ground),
    `decals` (roads: slot, polygons [(corners (x, z), kind, albedo)]), `solids` (slot, position
    (x, 0, z), yaw radians (forward = (sin, 0, cos)), length, width, height, parts or asset) and
    `annotated` [(node, class name, class index)]; instance id = slot + 1. Raises SceneError."""
    nodes = scene.get("nodes")
    if not isinstance(nodes, list):
        raise SceneError("nodes", "missing or not a list")
    class_index = {c: i for i, c in enumerate(classes)}
    readers = [Node(n, k) for k, n in enumerate(nodes)]
    models, hidden = [], []
    for k, r in enumerate(readers):
        m = r.string("model")
        if m is not None and m not in MODELS:
            raise r.error("model", f"unknown model {m!r} (known: {', '.join(sorted(MODELS))})")
        parent = r.node.get("parent")
        if parent is not None and (not isinstance(parent, int) or not 0 <= parent < k):
            raise SceneError(f"nodes[{k}].parent", "must be the index of an earlier node")
        hidden.append(not r.visible() or (parent is not None and hidden[parent]))
        models.append(m)
    kinds = [None if h else m for m, h in zip(models, hidden)]
    lane_index, lane_count = {}, {}
    for k, r in enumerate(readers):
        if models[k] == "lane":
            p = r.node.get("parent")
            if p is None or models[p] != "road":
                raise r.error(None, "a lane must be a child of a road")
            lane_index[k] = lane_count.get(p, 0)
            lane_count[p] = lane_count.get(p, 0) + 1

    out = {"camera": {"height": 1.65, "lateral": 0.0, "pitch": 0.0, "yaw": 0.0, "fov": 80.0},
           "environment": environment(45, 30, 0.35, DEFAULT_SKY, DEFAULT_ZENITH, DEFAULT_GROUND),
           "decals": [], "solids": [], "annotated": []}
    seen_camera = seen_environment = False
    roads = {}

    def annotate(k):
        name = nodes[k].get("class")
        if name not in class_index:
            raise SceneError(f"nodes[{k}].class", f"class {name!r} is not in the request's class list")
        out["annotated"].append((k, name, class_index[name]))
        return len(out["annotated"]) - 1

    def solid(r, slot, position, yaw, length, width, height, parts):
        asset = r.string("asset_file")
        item = {"slot": slot, "node": r.k, "position": position, "yaw": yaw,
                "length": length, "width": width, "height": height, "parts": parts,
                "asset": asset, "asset_object": r.string("asset_object"),
                "material_file": r.string("material_file"), "material": r.string("material"),
                "color": r.color((0.6, 0.6, 0.6))}
        out["solids"].append(item)

    for k, r in enumerate(readers):
        model = kinds[k]
        if model is None or model == "lane":
            continue
        if model == "camera":
            if seen_camera:
                raise r.error("model", "a second camera (one per scene)")
            seen_camera = True
            out["camera"] = {"height": r.number("height", 1.65, 0.05, 1000), "lateral": r.number("lateral", 0),
                             "pitch": r.number("pitch", 0, -89, 89), "yaw": r.number("yaw", 0),
                             "fov": r.number("fov", 80, 1, 179)}
        elif model == "environment":
            if seen_environment:
                raise r.error("model", "a second environment (one per scene)")
            seen_environment = True
            out["environment"] = environment(r.number("sun_elevation", 45, -90, 90), r.number("sun_azimuth", 30),
                                             r.number("ambient", 0.35, 0, 1), r.color(DEFAULT_SKY, "sky"),
                                             r.color(DEFAULT_ZENITH, "zenith"), r.color(DEFAULT_GROUND, "ground"))
        elif model == "road":
            lanes = lane_count.get(k, 0)
            if lanes < 1:
                raise r.error("model", "a road needs at least one lane child (model: lane)")
            start = r.number("start", -10)
            road = {"centre": r.number("lateral", 0), "lanes": lanes, "lane_width": r.number("lane_width", 3.5, 0.5, 20),
                    "shoulder": r.number("shoulder", 0.5, 0, 20), "start": start,
                    "end": start + r.number("length", 200, 0, 10_000)}
            roads[k] = road
            slot = annotate(k)
            asphalt = r.color((0.32, 0.32, 0.34))
            polygons = [(corners, kind, asphalt if kind == "asphalt" else (0.85, 0.85, 0.82))
                        for corners, kind in meshes.road(road["centre"], lanes, road["lane_width"], road["shoulder"],
                                                         road["start"], road["end"])]
            out["decals"].append({"slot": slot, "node": k, "polygons": polygons})
        elif model == "car":
            p = r.node.get("parent")
            if p is None or kinds[p] != "lane" or nodes[p].get("parent") not in roads:
                raise r.error(None, "a car must be a child of a lane")
            road = roads[nodes[p]["parent"]]
            direction = -1 if readers[p].number("direction", 1) < 0 else 1
            lane_centre = road["centre"] - road["lanes"] * road["lane_width"] / 2 + (lane_index[p] + 0.5) * road["lane_width"]
            length, width = r.number("length", 4.2, 0.5, 30), r.number("width", 1.8, 0.3, 10)
            height = r.number("height", 1.5, 0.3, 10)
            heading = math.radians(r.number("heading", 0) + (180 if direction < 0 else 0))
            slot = annotate(k)
            solid(r, slot, (lane_centre + r.number("offset", 0), 0.0, r.number("along", 20)), heading,
                  length, width, height, meshes.car(length, width, height))
        elif model in ("building", "tree"):
            p = r.node.get("parent")
            if p is None or p not in roads:
                raise r.error(None, f"a {model} must be a child of a road")
            road = roads[p]
            side, setback = r.side(), r.number("setback", 3, 0, 1000)
            edge = road["lanes"] * road["lane_width"] / 2 + road["shoulder"] + setback
            slot = annotate(k)
            if model == "building":
                length, width = r.number("length", 12, 0.5, 500), r.number("width", 8, 0.5, 500)
                height = r.number("height", 10, 0.5, 500)
                solid(r, slot, (road["centre"] + side * (edge + width / 2), 0.0, r.number("along", 20)), 0.0,
                      length, width, height, meshes.building(length, width, height))
                out["solids"][-1]["color"] = r.color((0.6, 0.5, 0.4))
            else:
                height, crown = r.number("height", 6, 0.5, 100), r.number("crown", 1.5, 0.1, 50)
                solid(r, slot, (road["centre"] + side * (edge + crown), 0.0, r.number("along", 20)), 0.0,
                      2 * crown, 2 * crown, height, meshes.tree(height, crown))
                out["solids"][-1]["color"] = r.color((0.15, 0.35, 0.12))
        elif model == "primitive":
            length, width = r.number("length", 1, 0.01, 10_000), r.number("width", 1, 0.01, 10_000)
            height = r.number("height", 1, 0.01, 10_000)
            shape = r.string("shape") or "box"
            try:
                parts = meshes.primitive(shape, length, width, height)
            except ValueError as e:
                raise r.error("shape", str(e))
            slot = annotate(k)
            solid(r, slot, (r.number("x", 0), r.number("y", 0), r.number("z", 10)), math.radians(r.number("yaw", 0)),
                  length, width, height, parts)
    return out


def environment(elevation, azimuth, ambient, sky, zenith, ground):
    """Sun toward (cos e sin a, sin e, cos e cos a) (azimuth clockwise from +Z toward +X); the
    sky is 0.6 + 0.4 max(0, sin e) times its colours (Render3D's SceneReader.environmentOf)."""
    e, a = math.radians(elevation), math.radians(azimuth)
    bright = 0.6 + 0.4 * max(0.0, math.sin(e))
    return {"sun": (math.cos(e) * math.sin(a), math.sin(e), math.cos(e) * math.cos(a)), "ambient": ambient,
            "sky": tuple(c * bright for c in sky), "zenith": tuple(c * bright for c in zenith), "ground": tuple(ground)}
