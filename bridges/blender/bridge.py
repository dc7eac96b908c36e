"""MetaSim's external-renderer bridge (Sources/Render/BRIDGE.md) inside Blender.

Run by ./metasim-blender (which starts Blender headless with this script): reads one JSON
request per line on stdin, renders each scene graph with Cycles on the CPU, and writes one JSON
reply per line to file descriptor --reply-fd (3 by default). Blender prints its banner and
render log to its standard output, so the wrapper points Blender's stdout at stderr and hands
the real stdout over as fd 3: the protocol channel carries replies only. Logs go to stderr.

Arguments (after Blender's `--`): --assets DIR (asset root; node assets must resolve inside it),
--samples N [8], --threads N [0: Blender's choice], --seed N [0], --reply-fd N [3].
"""
import argparse
import json
import os
import sys
import tempfile
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import blender_scene  # noqa: E402  (needs the path above)
import passes  # noqa: E402
import scene_graph  # noqa: E402


def arguments(argv):
    argv = argv[argv.index("--") + 1:] if "--" in argv else []
    p = argparse.ArgumentParser(prog="metasim-blender")
    p.add_argument("--assets", default=None, help="asset root: node asset_file / material_file paths resolve inside it")
    p.add_argument("--samples", type=int, default=8, help="Cycles samples per pixel [8]")
    p.add_argument("--threads", type=int, default=0, help="Cycles CPU threads [0: all]")
    p.add_argument("--seed", type=int, default=0, help="Cycles sampling seed [0]")
    p.add_argument("--reply-fd", type=int, default=3, help="file descriptor for replies [3]")
    a = p.parse_args(argv)
    if a.samples < 1 or a.threads < 0:
        p.error("--samples must be >= 1 and --threads >= 0")
    if a.assets is not None and not os.path.isdir(a.assets):
        p.error(f"--assets {a.assets}: not a folder")
    return a


def check_request(request):
    canvas, classes, scenes = request.get("canvas"), request.get("classes"), request.get("scenes")
    if not isinstance(canvas, dict) or not all(isinstance(canvas.get(k), int) and canvas[k] > 0 for k in ("width", "height")) \
            or canvas.get("channels") not in (1, 3):
        raise ValueError("canvas must have positive width, height and channels 1 or 3")
    if not isinstance(classes, list) or not isinstance(scenes, list):
        raise ValueError("classes and scenes must be lists")
    return canvas, classes, scenes


def render_request(request, args, workdir):
    """The reply to one request: images in order, or an error naming the scene that failed."""
    rid = request.get("id", 0)
    canvas, classes, scenes = check_request(request)
    images = []
    path = os.path.join(workdir, "render.exr")
    for i, scene in enumerate(scenes):
        try:
            description = scene_graph.read(scene, classes)
            blender_scene.reset()
            blender_scene.build(description, canvas, args.assets)
            blender_scene.render(path)
            images.append(passes.reply_image(passes.read_exr(path), canvas, description["annotated"]))
        except (scene_graph.SceneError, blender_scene.AssetError) as e:
            return {"id": rid, "scene": i, "error": f"scene {i}: {e}"}
        except Exception as e:   # an importer or Blender failed on this scene: report it, keep serving
            traceback.print_exc(file=sys.stderr)
            return {"id": rid, "scene": i, "error": f"scene {i}: {type(e).__name__}: {e}"}
    return {"id": rid, "images": images}


def main():
    args = arguments(sys.argv)
    try:
        reply_stream = os.fdopen(args.reply_fd, "w", buffering=1)
    except OSError as e:
        print(f"metasim-blender: cannot write replies to fd {args.reply_fd} ({e}); start the bridge with "
              "bridges/blender/metasim-blender, which opens it", file=sys.stderr)
        sys.exit(2)
    blender_scene.configure(args.samples, args.threads, args.seed)
    with tempfile.TemporaryDirectory(prefix="metasim-blender-") as workdir:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
                if not isinstance(request, dict):
                    raise ValueError("a request must be a JSON object")
            except ValueError as e:
                print(f"metasim-blender: unreadable request: {e}", file=sys.stderr)
                reply = {"id": 0, "error": f"unreadable request: {e}"}
            else:
                try:
                    reply = render_request(request, args, workdir)
                except Exception as e:   # report, keep serving: MetaSim raises the error
                    traceback.print_exc(file=sys.stderr)
                    reply = {"id": request.get("id", 0), "error": f"{type(e).__name__}: {e}"}
            reply_stream.write(json.dumps(reply, separators=(",", ":")) + "\n")
            reply_stream.flush()


main()
