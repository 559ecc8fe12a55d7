"""The toy world the project trains and tests in (never imported on a robot).

Rendered RGB-D scenes with exact ground truth (:mod:`.scenes`), training of the bundled
tiny CLIP (:mod:`.training`) and the evaluations that measure the runtime
(:mod:`.evaluation`).
"""
