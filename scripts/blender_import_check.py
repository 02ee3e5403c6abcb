"""Open BVH files in Blender (headless) and print what Blender sees: bones, frames, fps.

    blender -b --python scripts/blender_import_check.py -- out/scene/ANA.bvh wave.bvh

Runs inside Blender's own Python (bpy), not in the project's virtualenv.
"""

import builtins
import sys

import bpy  # type: ignore[import-not-found]

_open = builtins.open


def _open_without_u(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
    # Blender 3.4's BVH importer opens files with mode "rU", which Python 3.11 rejects.
    return _open(file, mode.replace("U", ""), *args, **kwargs)


builtins.open = _open_without_u

for path in sys.argv[sys.argv.index("--") + 1 :]:
    bpy.ops.wm.read_factory_settings(use_empty=True)
    bpy.ops.import_anim.bvh(filepath=path, update_scene_fps=True, update_scene_duration=True)
    armature = next(o for o in bpy.data.objects if o.type == "ARMATURE")
    action = armature.animation_data.action
    start, end = (int(v) for v in action.frame_range)
    print(
        f"{path}: {len(armature.data.bones)} bones, frames {start}-{end}, "
        f"{bpy.context.scene.render.fps} fps, {len(action.fcurves)} animation curves"
    )
