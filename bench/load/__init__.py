"""`make bench-load`: the production topology (ops/topology.py) under load from locust.

``python -m bench.load`` starts its own topology (or uses the one in ``TOPOLOGY_DIR``), prepares
what the load needs (``bench.load.site``, inside the topology's Django), drives it with locust
(``bench.load.drive``), measures video delivery (``bench.load.video``) and prints one table
(``bench.load.report``) whose rows carry their target and "met" or "missed"."""
