"""Builds one scene description (scene_graph.read) in Blender and renders it with Cycles.

Blender's frame is Z up: MetaSim's world (X right, Y up, Z forward) maps to Blender
(x, y, z) = (X, Z, Y). A heading `yaw` (positive turns right) is a rotation of -yaw about
Blender's Z; the camera (looking along -Z of its own frame) gets rotation (90 deg - pitch, 0,
-yaw). Object pass index = instance id, material pass index = class index + 1 (what
passes.ground_truth reads back).
"""
import math
import os

import bpy
import bmesh

ASSET_TYPES = (".blend", ".obj", ".glb", ".gltf")
GROUND_SIZE = 4000.0     # metres: the ground plane (Render3D's ground is unbounded)
DECAL_LIFT = (0.002, 0.004)   # asphalt, markings above the ground (no z-fighting)


class AssetError(ValueError):
    """An asset that cannot be used: outside the asset root, missing, of an unknown type."""


def configure(samples, threads, seed=0):
    """Renderer settings shared by every graph: Cycles on the CPU, `samples` per pixel, no
    denoising (Debian's build has no denoiser), fixed seed, the passes ground truth needs, one
    uncompressed multilayer EXR per render (read back by passes.read_exr)."""
    scene = bpy.context.scene
    scene.render.engine = "CYCLES"
    scene.cycles.device = "CPU"
    scene.cycles.samples = samples
    scene.cycles.use_adaptive_sampling = False
    scene.cycles.use_denoising = False
    scene.cycles.seed = seed
    scene.cycles.use_animated_seed = False
    scene.cycles.max_bounces = 4
    scene.render.threads_mode = "FIXED" if threads > 0 else "AUTO"
    if threads > 0:
        scene.render.threads = threads
    scene.render.resolution_percentage = 100
    scene.render.pixel_aspect_x = scene.render.pixel_aspect_y = 1
    scene.render.use_compositing = False
    scene.render.use_sequencer = False
    scene.view_settings.view_transform = "Standard"
    scene.view_settings.look = "None"
    layer = scene.view_layers[0]
    layer.use_pass_z = True
    layer.use_pass_object_index = True
    layer.use_pass_material_index = True
    settings = scene.render.image_settings
    settings.file_format = "OPEN_EXR_MULTILAYER"
    settings.color_depth = "32"
    settings.exr_codec = "NONE"


def reset():
    """Removes everything the previous graph created (objects, meshes, materials, lights,
    cameras, images, appended libraries), so graphs never see each other."""
    for obj in list(bpy.data.objects):
        bpy.data.objects.remove(obj, do_unlink=True)
    for collection in (bpy.data.meshes, bpy.data.materials, bpy.data.lights, bpy.data.cameras, bpy.data.images,
                       bpy.data.node_groups, bpy.data.textures, bpy.data.curves):
        for block in list(collection):
            collection.remove(block)
    for child in list(bpy.context.scene.collection.children):
        bpy.data.collections.remove(child)
    bpy.data.orphans_purge(do_local_ids=True, do_linked_ids=True, do_recursive=True)


def to_blender(p):
    """MetaSim world (X right, Y up, Z forward) -> Blender (x, y, z) = (X, Z, Y)."""
    return (p[0], p[2], p[1])


def material(name, color, pass_index):
    m = bpy.data.materials.new(name)
    m.use_nodes = True
    bsdf = m.node_tree.nodes.get("Principled BSDF")
    bsdf.inputs["Base Color"].default_value = (color[0], color[1], color[2], 1.0)
    bsdf.inputs["Roughness"].default_value = 1.0
    bsdf.inputs["Specular"].default_value = 0.0
    m.pass_index = pass_index
    return m


def mesh_object(name, vertices, faces, face_materials, materials):
    """A flat-shaded mesh object from Blender-frame vertices, faces and per-face material slots,
    normals made consistent (outward)."""
    mesh = bpy.data.meshes.new(name)
    mesh.from_pydata(vertices, [], faces)
    for m in materials:
        mesh.materials.append(m)
    for poly, slot in zip(mesh.polygons, face_materials):
        poly.material_index = slot
    bm = bmesh.new()
    bm.from_mesh(mesh)
    bmesh.ops.recalc_face_normals(bm, faces=bm.faces)
    bm.to_mesh(mesh)
    bm.free()
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def camera(spec, canvas):
    scene = bpy.context.scene
    scene.render.resolution_x, scene.render.resolution_y = canvas["width"], canvas["height"]
    data = bpy.data.cameras.new("camera")
    data.sensor_fit = "HORIZONTAL"
    data.angle = math.radians(spec["fov"])
    data.clip_start, data.clip_end = 0.05, 20000.0
    obj = bpy.data.objects.new("camera", data)
    scene.collection.objects.link(obj)
    obj.location = (spec["lateral"], 0.0, spec["height"])
    obj.rotation_euler = (math.radians(90 - spec["pitch"]), 0.0, math.radians(-spec["yaw"]))
    scene.camera = obj


def lighting(env):
    """Sun of strength pi (1 - ambient) (a white face toward it reads 1 - ambient, Render3D's
    Lambert term), a uniform environment of `ambient` for every non-camera ray (Render3D's
    ambient share), and the horizon -> zenith sky gradient for camera rays; a ground plane."""
    scene = bpy.context.scene
    world = scene.world or bpy.data.worlds.new("world")
    scene.world = world
    # Uniform for every ray that lights anything: no importance map (building one costs ~1.5 s
    # per render, more than the render itself).
    world.cycles.sampling_method = "NONE"
    world.use_nodes = True
    nodes, links = world.node_tree.nodes, world.node_tree.links
    nodes.clear()
    coords = nodes.new("ShaderNodeTexCoord")
    split = nodes.new("ShaderNodeSeparateXYZ")
    ramp = nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.elements[0].color = (*env["sky"], 1.0)
    ramp.color_ramp.elements[1].color = (*env["zenith"], 1.0)
    sky = nodes.new("ShaderNodeBackground")
    ambient = nodes.new("ShaderNodeBackground")
    ambient.inputs["Color"].default_value = (1.0, 1.0, 1.0, 1.0)
    ambient.inputs["Strength"].default_value = env["ambient"]
    path = nodes.new("ShaderNodeLightPath")
    mix = nodes.new("ShaderNodeMixShader")
    out = nodes.new("ShaderNodeOutputWorld")
    links.new(coords.outputs["Generated"], split.inputs["Vector"])
    links.new(split.outputs["Z"], ramp.inputs["Fac"])
    links.new(ramp.outputs["Color"], sky.inputs["Color"])
    links.new(path.outputs["Is Camera Ray"], mix.inputs["Fac"])
    links.new(ambient.outputs["Background"], mix.inputs[1])
    links.new(sky.outputs["Background"], mix.inputs[2])
    links.new(mix.outputs["Shader"], out.inputs["Surface"])

    sun = bpy.data.lights.new("sun", "SUN")
    sun.energy = math.pi * (1 - env["ambient"])
    sun.angle = math.radians(0.5)
    obj = bpy.data.objects.new("sun", sun)
    scene.collection.objects.link(obj)
    direction = to_blender(env["sun"])
    from mathutils import Vector
    obj.rotation_euler = Vector(direction).to_track_quat("Z", "Y").to_euler()   # light shines along its -Z

    half = GROUND_SIZE / 2
    mesh_object("ground", [(-half, -half, 0), (half, -half, 0), (half, half, 0), (-half, half, 0)], [[0, 1, 2, 3]], [0],
                [material("ground", env["ground"], 0)])


def decal(item, class_index):
    slot = item["slot"] + 1
    kinds = {"asphalt": 0, "marking": 1}
    albedo = {kind: color for _, kind, color in item["polygons"]}
    materials = [material(f"road{slot}-{kind}", albedo.get(kind, (0.85, 0.85, 0.82)), class_index + 1) for kind in kinds]
    vertices, faces, face_materials = [], [], []
    for corners, kind, _ in item["polygons"]:
        lift = DECAL_LIFT[kinds[kind]]
        faces.append(list(range(len(vertices), len(vertices) + len(corners))))
        vertices += [(x, z, lift) for x, z in corners]
        face_materials.append(kinds[kind])
    obj = mesh_object(f"road{slot}", vertices, faces, face_materials, materials)
    obj.pass_index = slot


def resolve_asset(root, relative):
    """The asset file `relative` under `root`, symlinks resolved; AssetError when no root was
    declared, the path leaves the root, does not exist or is not .blend/.obj/.glb/.gltf."""
    if not root:
        raise AssetError("names an asset but the bridge has no asset root (start it with --assets DIR)")
    base = os.path.realpath(root)
    path = os.path.realpath(os.path.join(base, relative))
    if os.path.commonpath([base, path]) != base:
        raise AssetError(f"{relative!r} leaves the asset root {root}")
    if os.path.splitext(path)[1].lower() not in ASSET_TYPES:
        raise AssetError(f"{relative!r}: not a {', '.join(ASSET_TYPES)} file")
    if not os.path.isfile(path):
        raise AssetError(f"{relative!r}: no such file under the asset root {root}")
    return path


def import_asset(path, object_name):
    """The mesh objects of an asset file, linked into the scene (a .blend: every mesh object, or
    the one named `object_name`)."""
    ext = os.path.splitext(path)[1].lower()
    scene = bpy.context.scene
    if ext == ".blend":
        with bpy.data.libraries.load(path, link=False) as (source, target):
            names = [n for n in source.objects if object_name in (None, n)]
            if object_name and not names:
                raise AssetError(f"{os.path.basename(path)} has no object {object_name!r}")
            target.objects = names
        objects = [o for o in target.objects if o is not None]
        for o in objects:
            scene.collection.objects.link(o)
    else:
        bpy.ops.object.select_all(action="DESELECT")
        if ext == ".obj":
            bpy.ops.wm.obj_import(filepath=path)
        else:
            _numpy_bool_alias()
            bpy.ops.import_scene.gltf(filepath=path)
        objects = list(bpy.context.selected_objects)
        if object_name:
            objects = [o for o in objects if o.name == object_name]
    meshes = [o for o in objects if o.type == "MESH"]
    for o in objects:
        if o.type != "MESH":
            bpy.data.objects.remove(o, do_unlink=True)
    if not meshes:
        raise AssetError(f"{os.path.basename(path)} holds no mesh object")
    return meshes


def _numpy_bool_alias():
    """Debian's Blender 3.4 glTF importer uses `numpy.bool`, which numpy 1.24 (Debian 12's)
    removed: give it back as `numpy.bool_` (what it meant) so .glb/.gltf assets import."""
    import numpy
    if "bool" not in numpy.__dict__:
        numpy.bool = numpy.bool_


def fit_to_box(objects, length, width, height):
    """Bakes the objects' transforms into their meshes and scales them per axis so that together
    they fill the node's box: width along Blender x, length along y, height along z, standing
    on z = 0, centred on the origin."""
    from mathutils import Matrix, Vector
    for o in objects:
        o.data = o.data.copy()
        o.data.transform(o.matrix_world)
        o.parent = None
        o.matrix_world = Matrix.Identity(4)
    points = [v.co for o in objects for v in o.data.vertices]
    if not points:
        raise AssetError("the asset's meshes have no vertices")
    lo = Vector((min(p.x for p in points), min(p.y for p in points), min(p.z for p in points)))
    hi = Vector((max(p.x for p in points), max(p.y for p in points), max(p.z for p in points)))
    size = hi - lo
    scale = [t / s if s > 1e-9 else 1.0 for t, s in zip((width, length, height), size)]
    centre = Vector(((lo.x + hi.x) / 2, (lo.y + hi.y) / 2, lo.z))
    m = Matrix.Diagonal((*scale, 1.0)) @ Matrix.Translation(-centre)
    for o in objects:
        o.data.transform(m)


def load_material(root, item):
    """The material `item["material"]` from the .blend `item["material_file"]` under the root."""
    path = resolve_asset(root, item["material_file"])
    if not path.lower().endswith(".blend"):
        raise AssetError(f"material_file {item['material_file']!r} must be a .blend")
    with bpy.data.libraries.load(path, link=False) as (source, target):
        if item["material"] not in source.materials:
            raise AssetError(f"{item['material_file']} has no material {item['material']!r}")
        target.materials = [item["material"]]
    return target.materials[0]


def solid(item, class_index, asset_root):
    """A car, building, tree, primitive or asset at its pose; every material a copy carrying the
    class's pass index."""
    slot = item["slot"] + 1
    semantic = class_index + 1
    override = None
    if item["material"] or item["material_file"]:
        if not (item["material"] and item["material_file"]):
            raise AssetError("material and material_file go together")
        override = load_material(asset_root, item)
    if item["asset"]:
        objects = import_asset(resolve_asset(asset_root, item["asset"]), item["asset_object"])
        fit_to_box(objects, item["length"], item["width"], item["height"])
        for o in objects:
            if not o.data.materials:
                o.data.materials.append(material(f"object{slot}", item["color"], semantic))
    else:
        color = item["color"]
        kinds = ["albedo", "secondary", "tyre", "trunk"]
        colors = [color, tuple(0.3 * c + d for c, d in zip(color, (0.04, 0.05, 0.07))), (0.05, 0.05, 0.05), (0.30, 0.20, 0.12)]
        materials = [material(f"object{slot}-{k}", c, semantic) for k, c in zip(kinds, colors)]
        vertices, faces, face_materials = [], [], []
        for part in item["parts"]:
            base = len(vertices)
            vertices += [to_blender(v) for v in part["vertices"]]
            faces += [[base + i for i in f] for f in part["faces"]]
            face_materials += [kinds.index(m) for m in part["materials"]]
        objects = [mesh_object(f"object{slot}", vertices, faces, face_materials, materials)]
    for o in objects:
        if override is not None:
            o.data.materials.clear()
            o.data.materials.append(override)
        for i, m in enumerate(o.data.materials):
            if m is not None:
                o.data.materials[i] = m.copy()
                o.data.materials[i].pass_index = semantic
        o.pass_index = slot
        o.location = to_blender(item["position"])
        o.rotation_euler = (0.0, 0.0, -item["yaw"])


def build(description, canvas, asset_root):
    """The whole scene of one graph (after `reset`)."""
    classes = {slot: c for slot, (_, _, c) in enumerate(description["annotated"])}
    camera(description["camera"], canvas)
    lighting(description["environment"])
    for item in description["decals"]:
        decal(item, classes[item["slot"]])
    for item in description["solids"]:
        try:
            solid(item, classes[item["slot"]], asset_root)
        except AssetError as e:
            raise AssetError(f"nodes[{item['node']}]: {e}") from None


def render(path):
    """Renders the current scene to the multilayer EXR `path`."""
    scene = bpy.context.scene
    scene.render.filepath = path
    bpy.ops.render.render(write_still=True)
