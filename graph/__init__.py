"""sundhedsgraf: a knowledge graph of Danish health-collaboration governance, built from minutes.

The pipeline, one subpackage a stage: read -> segment -> extract -> link -> emit -> store,
then query / map / serve over the store. The command line (graph.cli) is a thin layer over these modules:
`graph.build.build`, `graph.validate.validate_store`, `graph.query.run`, `graph.maps.make_map`, `graph.push.push`,
`graph.harvest.harvest`, `graph.evaluate.evaluate`.
"""

__version__ = "0.1.0"
