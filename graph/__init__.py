"""sundhedsgraf: a knowledge graph of Danish health-collaboration governance, built from minutes.

The pipeline, one subpackage a stage: read -> segment -> extract -> link -> emit -> store,
then query / map / serve over the store. `graph.api` is the library API the CLI mirrors.
"""

__version__ = "0.1.0"
