"""Searching an index's shards each in its own searcher, merged by a coordinator.

``ClusterEngine`` (``coordinator``) has ``Engine``'s API; the shards it talks to run in
this process (``shards.LocalShards``) or as Ray actors (``ray_shards``, with
``index.ray_cluster`` the only modules that import Ray: ``pip install
'newsdesk[cluster]'``).  ``Engine.open(dir,
cluster="ray[:ADDRESS]")`` is the usual way in.
"""
