"""Renderers that turn planned motion into images: OpenPose-18 conditioning frames and the
animatic preview video."""
