"""Tools around the node, which start or feed it; the node never imports them.

rosbag2 recording and replay (:mod:`.bags`), scripted scene sequences
(:mod:`.scenario`), the demo (:mod:`.demo`) and the soak run (:mod:`.soak`).
"""
