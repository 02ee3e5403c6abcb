"""Motion on the canonical skeleton: the skeleton, forward kinematics, BVH I/O, retargeting,
pose descriptions and the built-in procedural gesture library."""
