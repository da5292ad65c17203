"""Extract stage: a segmented document -> `Extraction` (facts with spans).

Like a spaCy pipeline, extraction is a list of small registered components that
each add to one shared `Extraction`. A component that fails on an unknown layout
is reported as a warning and the others go on: fewer facts, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable

from ..segment import Segmented
from .header import meeting, participants
from .items import classify_outcome, items
from .mentions import amounts, initiatives, organisations
from .model import Extraction, Gazetteer
from .route import route

Component = Callable[[Segmented, Extraction], None]

# name -> component, in the order they run (items need the meeting date for references)
COMPONENTS: dict[str, Component] = {
    "meeting": meeting,
    "participants": participants,
    "items": items,
    "route": route,
    "organisations": organisations,
    "initiatives": initiatives,
    "amounts": amounts,
}


def register(name: str, component: Component, after: str | None = None) -> None:
    """Add a component to the pipeline (after another one, or last)."""
    global COMPONENTS
    if after is None:
        COMPONENTS[name] = component
        return
    ordered = {}
    for key, value in COMPONENTS.items():
        ordered[key] = value
        if key == after:
            ordered[name] = component
    COMPONENTS = ordered


def extract(seg: Segmented, gazetteer: Gazetteer | None = None) -> Extraction:
    """Run every component over `seg`. The gazetteer lets components find the registry's names."""
    doc = seg.document
    ex = Extraction(document_key=doc.key, path=doc.path, text_length=len(doc.text), layout=seg.layout,
                    gazetteer=gazetteer or Gazetteer())
    ex.warnings.extend(doc.warnings)
    for name, component in COMPONENTS.items():
        try:
            component(seg, ex)
        except Exception as exc:  # an unforeseen layout must cost facts, not the document
            ex.warnings.append(f"komponenten '{name}' fejlede: {type(exc).__name__}: {exc}")
    if not ex.items:
        ex.warnings.append("ingen dagsordenspunkter genkendt (ukendt layout?)")
    return ex


__all__ = ["COMPONENTS", "Extraction", "Gazetteer", "classify_outcome", "extract", "register"]
