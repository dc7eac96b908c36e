#!/usr/bin/env python3
"""Checks the Blender bridge's ground truth on a hand-built scene (64x64): two boxes, one
partly hiding the other, seen by a pitched, yawed camera. The expected instance and semantic
masks, boxes and depth come from ray casting the same boxes here (pixel centres, the camera of
Sources/Render3D/README.md), independently of Blender. Also: .obj, .glb and .blend assets (and a
material from a .blend) fitted to a node's box cover the same pixels as the procedural box; an asset path leaving the asset root and an
unknown model are error replies naming the scene; one process renders many graphs.

Usage: check_scene.py [--samples N] [--out DIR]   (exit 0 when every check passes)
"""
import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bridges", "blender"))
from client import BridgeClient, decode, write_png  # noqa: E402

W = H = 64
CANVAS = {"width": W, "height": H, "channels": 3}
CLASSES = ["box", "pillar"]
CAMERA = {"height": 1.2, "pitch": 4.0, "yaw": 6.0, "fov": 60.0}
# (class, x, z of the bottom-face centre, width (X), length (Z), height (Y)), metres, world frame
BOXES = [("box", 0.2, 10.0, 2.0, 2.0, 2.0), ("pillar", 2.6, 16.0, 2.0, 2.0, 4.0)]


def graph(asset=None, extra=None, extra_attrs=None):
    nodes = [{"rule": "Scene", "class": "scene", "attributes": {}},
             {"rule": "Camera", "class": "camera", "parent": 0, "attributes": dict(model="camera", **CAMERA)},
             {"rule": "Sun", "class": "environment", "parent": 0, "attributes": {"model": "environment", "sun_elevation": 50, "sun_azimuth": 200}}]
    for i, (cls, x, z, w, l, h) in enumerate(BOXES):
        attrs = {"model": "primitive", "shape": "box", "x": x, "z": z, "width": w, "length": l, "height": h,
                 "color_r": 0.7, "color_g": 0.3 + 0.3 * i, "color_b": 0.2}
        if asset and i == 0:
            attrs.update(asset_file=asset, **(extra_attrs or {}))
        nodes.append({"rule": cls, "class": cls, "parent": 0, "attributes": attrs})
    if extra:
        nodes.append(extra)
    return {"nodes": nodes}


def camera_rays():
    """World-space ray directions of every pixel centre (Render3D's Camera3D)."""
    pitch, yaw = math.radians(CAMERA["pitch"]), math.radians(CAMERA["yaw"])
    sy, cy, sp, cp = math.sin(yaw), math.cos(yaw), math.sin(pitch), math.cos(pitch)
    forward = np.array([sy * cp, -sp, cy * cp])
    right = np.array([cy, 0, -sy])
    down = np.array([-sy * sp, -cp, -cy * sp])
    f = (W / 2) / math.tan(math.radians(CAMERA["fov"]) / 2)
    u, v = np.meshgrid(np.arange(W) + 0.5, np.arange(H) + 0.5)
    d = ((u - W / 2) / f)[..., None] * right + ((v - H / 2) / f)[..., None] * down + forward
    return d, forward


def ray_cast():
    """Expected instance ids (0 = none), class ids and depth (along the optical axis, 0 = sky)."""
    origin = np.array([0.0, CAMERA["height"], 0.0])
    d, forward = camera_rays()
    best = np.full((H, W), np.inf)
    instance = np.zeros((H, W), int)
    with np.errstate(divide="ignore", invalid="ignore"):
        for k, (_, x, z, w, l, h) in enumerate(BOXES, start=1):
            lo, hi = np.array([x - w / 2, 0, z - l / 2]), np.array([x + w / 2, h, z + l / 2])
            t1, t2 = (lo - origin) / d, (hi - origin) / d
            near = np.nanmax(np.minimum(t1, t2), axis=-1)
            far = np.nanmin(np.maximum(t1, t2), axis=-1)
            hit = (near <= far) & (near > 0) & (near < best)
            best = np.where(hit, near, best)
            instance = np.where(hit, k, instance)
        ground = np.where(d[..., 1] < 0, -origin[1] / d[..., 1], np.inf)
    t = np.where(instance > 0, best, ground)
    depth = np.where(np.isfinite(t), t * (d @ forward), 0.0)
    semantic = np.take(np.array([0] + [CLASSES.index(b[0]) + 1 for b in BOXES]), instance)
    return instance, semantic, depth


# Made by Blender itself (a cube off-centre with a material, and a sphere beside it in the .blend).
MAKE_ASSETS = """
import bpy
for o in list(bpy.data.objects): bpy.data.objects.remove(o)
bpy.ops.mesh.primitive_cube_add(size=2, location=(5, 5, 1)); crate = bpy.context.object; crate.name = 'Crate'
crate.data.materials.append(bpy.data.materials.new('Red'))
bpy.ops.mesh.primitive_uv_sphere_add(location=(0, 0, 0)); bpy.context.object.name = 'Ball'
bpy.ops.wm.save_as_mainfile(filepath='{root}/crate.blend')
bpy.ops.object.select_all(action='DESELECT'); crate.select_set(True)
bpy.ops.export_scene.gltf(filepath='{root}/crate.glb', use_selection=True)
"""


def make_assets(root):
    with open(os.path.join(root, "cube.obj"), "w") as f:
        f.write("".join(f"v {x} {y} {z}\n" for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)))
        f.write("f 1 2 4 3\nf 5 7 8 6\nf 1 5 6 2\nf 3 4 8 7\nf 1 3 7 5\nf 2 6 8 4\n")
    blender = shutil.which("blender")
    # As metasim-blender does: Blender's own folder first on PATH, so it finds the system Python's numpy.
    env = dict(os.environ, PATH=os.path.dirname(blender) + os.pathsep + os.environ.get("PATH", ""))
    subprocess.run([blender, "-b", "--factory-startup", "-noaudio", "--python-exit-code", "1",
                    "--python-expr", MAKE_ASSETS.format(root=root)], check=True, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def box_of(mask):
    ys, xs = np.nonzero(mask)
    return (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)) if len(xs) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--out", default=None, help="write the rendered image here (PNG) when given")
    args = ap.parse_args()
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    instance_x, semantic_x, depth_x = ray_cast()
    with tempfile.TemporaryDirectory() as root:
        # Cubes as assets: fitted to box 0's extent they must cover box 0's pixels.
        make_assets(root)
        assets = [("cube.obj", {}), ("crate.glb", {}), ("crate.blend", {"asset_object": "Crate"}),
                  ("crate.blend", {"asset_object": "Crate", "material_file": "crate.blend", "material": "Red"})]
        with BridgeClient(["--samples", str(args.samples), "--assets", root]) as bridge:
            reply = bridge.request(CANVAS, CLASSES, [graph()] + [graph(a, extra_attrs=e) for a, e in assets])
            check("images" in reply, f"the bridge renders {1 + len(assets)} graphs in one request ({reply.get('error', '')})")
            if "images" not in reply:
                print(bridge.stderr_tail(), file=sys.stderr)
                return 1
            image, truth = decode(reply["images"][0])
            inst, sem, depth = truth["instanceMask"], truth["semanticMask"], truth["depth"]
            agree = float((inst == instance_x).mean())
            check(agree >= 0.995, f"instance mask matches ray casting at {agree:.2%} of pixels (>= 99.5%)")
            for k, (cls, *_rest) in enumerate(BOXES, start=1):
                obj = truth["objects"][k - 1]
                expected = box_of(instance_x == k)
                got = obj.get("bbox")
                got = (got["x"], got["y"], got["width"], got["height"]) if got else None
                close = got is not None and max(abs(a - b) for a, b in zip(got, expected)) <= 1
                check(close, f"{cls} box {got} vs ray-cast {expected} (within 1 px)")
                check(obj["visiblePixels"] == int((inst == k).sum()), f"{cls} visiblePixels is its mask's pixel count")
                check(obj["className"] == cls and obj["instanceId"] == k, f"{cls} annotation names its class and id")
            check(bool(((sem == np.take([0, 1, 2], inst))).all()), "semantic mask (material index) = class of the instance (object index) everywhere")
            occluded = int((instance_x == 2).sum()) < int(((instance_x == 2) | (instance_x == 1)).sum())
            check(occluded and (inst == 2).sum() > 0, "the pillar is partly hidden by the box and still visible")
            both = (inst == instance_x) & (instance_x > 0)
            err = float(np.abs(depth[both] - depth_x[both]).max())
            check(err < 0.01, f"depth on the boxes = ray-cast depth along the optical axis (max error {err:.4f} m < 0.01)")
            ground = (inst == 0) & (instance_x == 0) & (depth_x > 0) & (depth_x < 200)
            gerr = float((np.abs(depth[ground] - depth_x[ground]) / depth_x[ground]).max())
            check(ground.sum() > 100 and gerr < 0.01, f"depth on the ground = ray-plane depth (max relative error {gerr:.2%} < 1%)")
            check(bool((depth[depth_x == 0] == 0).all()), "depth is 0 where the ray hits nothing (sky)")
            for (asset, extra), item in zip(assets, reply["images"][1:]):
                t = decode(item)[1]
                same = float((t["instanceMask"] == inst).mean())
                what = asset + (f" with material {extra['material']}" if "material" in extra else "")
                check(same >= 0.995 and bool((t["semanticMask"] == np.take([0, 1, 2], t["instanceMask"])).all()),
                      f"asset {what} fitted to box 0's extent covers the same pixels ({same:.2%}), its materials carry the class")
            bad = bridge.request(CANVAS, CLASSES, [graph(), graph("../outside.obj")])
            check(bad.get("scene") == 1 and "leaves the asset root" in bad.get("error", ""),
                  f"an asset path leaving the root is an error reply naming scene 1 ({bad.get('error')})")
            unknown = bridge.request(CANVAS, CLASSES, [graph(extra={"rule": "X", "class": "box", "parent": 0, "attributes": {"model": "blimp"}})])
            check(unknown.get("scene") == 0 and "unknown model" in unknown.get("error", ""),
                  f"an unknown model is an error reply naming the node ({unknown.get('error')})")
            again = bridge.request(CANVAS, CLASSES, [graph()])
            check("images" in again and decode(again["images"][0])[0].tobytes() == image.tobytes(),
                  "the same process renders again after errors, the same bytes (fixed seed, scene reset)")
            if args.out:
                write_png(args.out, image)
    print("blender scene checks: " + ("all passed" if not failures else f"{len(failures)} failed"))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
