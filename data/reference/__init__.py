"""The reference registry as package data (graph.resources.reference): see graph/resources/__init__.py."""
