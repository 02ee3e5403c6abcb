"""The contracts (Scene, Direction, MotionPlan), vocabularies, validation and the realizer.

This package depends on nothing else of motiondirector except `errors`.
"""
