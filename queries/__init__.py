"""The named questions as package data (graph.resources.queries): see graph/resources/__init__.py."""
