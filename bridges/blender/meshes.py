"""Procedural meshes of the road-scene models, the same geometry as MetaSim's built-in 3D
renderer (Sources/Render3D/MeshTemplate.swift and ProceduralMeshes.swift), so that one scene
graph gives the same objects in both engines.

Plain Python (no bpy): every function returns parts in MetaSim's object frame (metres, X right,
Y up, Z forward, origin at the centre of the bottom face). A part is a dict with `vertices`
(list of (x, y, z)), `faces` (lists of vertex indices) and `materials` (per face: "albedo",
"secondary" or "tyre"/"trunk" for the fixed colours). bridge_scene.py maps them to Blender
(Z up): MetaSim (x, y, z) -> Blender (x, z, y).
"""
import math


def _box():
    v = [(x, y, z) for x in (-0.5, 0.5) for y in (-0.5, 0.5) for z in (-0.5, 0.5)]
    f = [[0, 1, 3, 2], [4, 6, 7, 5], [0, 4, 5, 1], [2, 3, 7, 6], [0, 2, 6, 4], [1, 5, 7, 3]]
    return v, f


def _prism_x(sides):
    v = []
    for x in (-0.5, 0.5):
        for k in range(sides):
            a = (k + 0.5) * 2 * math.pi / sides
            v.append((x, 0.5 * math.sin(a), 0.5 * math.cos(a)))
    f = [list(range(sides)), list(range(sides, 2 * sides))]
    for k in range(sides):
        n = (k + 1) % sides
        f.append([k, n, sides + n, sides + k])
    return v, f


def _bipyramid(sides):
    v = [(0.5 * math.sin(k * 2 * math.pi / sides), 0.0, 0.5 * math.cos(k * 2 * math.pi / sides)) for k in range(sides)]
    v += [(0.0, 0.5, 0.0), (0.0, -0.5, 0.0)]
    f = []
    for k in range(sides):
        n = (k + 1) % sides
        f.append([k, n, sides])
        f.append([n, k, sides + 1])
    return v, f


def _car_body():
    b = [(-0.5, -0.5, -0.5), (0.5, -0.5, -0.5), (0.5, -0.5, 0.5), (-0.5, -0.5, 0.5)]
    m = [(x, 0.05, z) for x, _, z in b]
    r = [(-0.4, 0.5, -0.36), (0.4, 0.5, -0.36), (0.4, 0.5, 0.14), (-0.4, 0.5, 0.14)]
    f = [[0, 1, 2, 3], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7],
         [4, 5, 9, 8], [5, 6, 10, 9], [6, 7, 11, 10], [7, 4, 8, 11], [8, 9, 10, 11]]
    materials = ["albedo"] * 5 + ["secondary"] * 4 + ["albedo"]
    return b + m + r, f, materials


def _part(template, scale, offset, materials=None):
    v, f = template[0], template[1]
    mats = materials or (template[2] if len(template) > 2 else ["albedo"] * len(f))
    verts = [(x * scale[0] + offset[0], y * scale[1] + offset[1], z * scale[2] + offset[2]) for x, y, z in v]
    return {"vertices": verts, "faces": f, "materials": mats}


def car(length, width, height):
    """Body 88 % of `width` (box to the belt line, tapering cabin) on four 10-sided wheels of
    radius min(0.22 h, 0.2 l) flush with `width` (Render3D's ProceduralMeshes.car)."""
    radius = min(0.22 * height, 0.2 * length)
    wheel_width = 0.05 * width
    clearance = 0.45 * radius
    parts = [_part(_car_body(), (0.88 * width, height - clearance, length), (0, (height + clearance) / 2, 0))]
    for x in (-1, 1):
        for z in (-1, 1):
            parts.append(_part(_prism_x(10), (wheel_width, 2 * radius, 2 * radius),
                               (x * (width - wheel_width) / 2, radius, z * 0.32 * length), ["tyre"] * 12))
    return parts


def building(length, width, height):
    """One box `width` (X) x `height` x `length` (Z)."""
    return [_part(_box(), (width, height, length), (0, height / 2, 0))]


def tree(height, crown):
    """A trunk box (40 % of the height) under a 7-sided double-pyramid crown of radius `crown`
    from 35 % of the height to the top."""
    trunk, crown_bottom = 0.4 * height, 0.35 * height
    t = 0.12 * crown + 0.08
    return [_part(_box(), (t, trunk, t), (0, trunk / 2, 0), ["trunk"] * 6),
            _part(_bipyramid(7), (2 * crown, height - crown_bottom, 2 * crown), (0, (height + crown_bottom) / 2, 0))]


def primitive(shape, length, width, height):
    """A generic solid: `box`, `cylinder` (16 sides, axis up) or `cone`, `width` x `height` x
    `length`, standing on its bottom face."""
    if shape == "box":
        return building(length, width, height)
    if shape in ("cylinder", "cone"):
        sides = 16
        top = 0.5 if shape == "cylinder" else 0.0
        v = [(0.5 * math.sin(2 * math.pi * k / sides), -0.5, 0.5 * math.cos(2 * math.pi * k / sides)) for k in range(sides)]
        if shape == "cylinder":
            v += [(top * math.sin(2 * math.pi * k / sides), 0.5, top * math.cos(2 * math.pi * k / sides)) for k in range(sides)]
            f = [list(range(sides)), list(range(sides, 2 * sides))]
            f += [[k, (k + 1) % sides, sides + (k + 1) % sides, sides + k] for k in range(sides)]
        else:
            v.append((0.0, 0.5, 0.0))
            f = [list(range(sides))] + [[k, (k + 1) % sides, sides] for k in range(sides)]
        return [_part((v, f), (width, height, length), (0, height / 2, 0))]
    raise ValueError(f"unknown shape {shape!r} (known: box, cylinder, cone)")


def road(centre, lanes, lane_width, shoulder, start, end):
    """Ground polygons of a straight road along +Z (Render3D's ProceduralMeshes.road): asphalt,
    0.15 m edge lines, 0.12 m dashes (3 m every 9 m) between lanes. Returns [(corners, kind)]
    with kind "asphalt" or "marking"; corners (x, z) on the ground."""
    half = lanes * lane_width / 2

    def rect(x0, x1, z0, z1):
        return [(x0, z0), (x1, z0), (x1, z1), (x0, z1)]

    out = [(rect(centre - half - shoulder, centre + half + shoulder, start, end), "asphalt")]
    for x in (centre - half, centre + half):
        out.append((rect(x - 0.075, x + 0.075, start, end), "marking"))
    if lanes > 1:
        first = math.ceil(start / 9) * 9
        for k in range(1, lanes):
            x = centre - half + k * lane_width
            z = first
            while z < end:
                out.append((rect(x - 0.06, x + 0.06, z, min(z + 3, end)), "marking"))
                z += 9
    return out
