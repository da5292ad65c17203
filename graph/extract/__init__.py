"""Extract stage: a segmented document -> `Extraction` (facts with spans).

Like a spaCy pipeline, extraction is a list of small components that each add to
one shared `Extraction`, each declaring what it requires and assigns (checked when
the list is assembled). A component that fails on an unknown layout
is reported as a warning and the others go on: fewer facts, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..segment import Segmented
from .header import meeting, participants
from .items import classify_outcome, items
from .mentions import amounts, initiatives, organisations
from .model import Extraction, Gazetteer
from .portal import portal
from .route import route

Run = Callable[[Segmented, Extraction], None]


class PipelineError(Exception):
    pass


@dataclass(frozen=True)
class Component:
    """One step of extraction. `requires`: the Extraction fields it reads, which an earlier component must
    assign; `assigns`: the fields it writes (as spaCy's components declare theirs)."""

    name: str
    run: Run
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()


def assemble(components: list[Component]) -> list[Component]:
    """Check that every component's requirements are assigned by a component before it."""
    assigned: set[str] = set()
    names: set[str] = set()
    for component in components:
        if component.name in names:
            raise PipelineError(f"komponenten '{component.name}' findes to gange")
        missing = sorted(set(component.requires) - assigned)
        if missing:
            raise PipelineError(
                f"komponenten '{component.name}' kræver {', '.join(missing)}, som ingen komponent før den giver"
            )
        assigned |= set(component.assigns)
        names.add(component.name)
    return components


# in the order they run: items need the meeting's date (references), the route needs the items and the forum,
# amounts are filed under their items
COMPONENTS = assemble(
    [
        Component("meeting", meeting, assigns=("meeting",)),
        Component("participants", participants, requires=("meeting",), assigns=("participants", "meeting.body")),
        Component("items", items, requires=("meeting",), assigns=("items",)),
        Component(
            "portal",
            portal,
            requires=("meeting", "participants", "items"),
            assigns=("meeting", "participants", "items"),
        ),
        Component("route", route, requires=("meeting", "items"), assigns=("items.route",)),
        Component("organisations", organisations, assigns=("organisations",)),
        Component("initiatives", initiatives, assigns=("initiatives",)),
        Component("amounts", amounts, requires=("items",), assigns=("amounts",)),
    ]
)


def extract(seg: Segmented, gazetteer: Gazetteer | None = None) -> Extraction:
    """Run every component over `seg`. The gazetteer lets components find the registry's names."""
    doc = seg.document
    ex = Extraction(
        document_key=doc.key,
        path=doc.path,
        text_length=len(doc.text),
        layout=seg.layout,
        gazetteer=gazetteer or Gazetteer(),
    )
    ex.warnings.extend(doc.warnings)
    for component in COMPONENTS:
        try:
            component.run(seg, ex)
        except Exception as exc:  # an unforeseen layout must cost facts, not the document
            ex.warnings.append(f"komponenten '{component.name}' fejlede: {type(exc).__name__}: {exc}")
    if not ex.items:
        ex.warnings.append("ingen dagsordenspunkter genkendt (ukendt layout?)")
    return ex


__all__ = [
    "COMPONENTS",
    "Component",
    "Extraction",
    "Gazetteer",
    "PipelineError",
    "assemble",
    "classify_outcome",
    "extract",
]
