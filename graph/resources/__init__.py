"""What the tool needs at run time besides its code, found the same way in a checkout and in an installed wheel.

The reference registry (`data/reference/*.csv`) and the named questions (`queries/*.rq`) live at the top of the
repository, where people edit them; the packaging maps them into this package (`graph.resources.reference`,
`graph.resources.queries`, see pyproject.toml), so `importlib.resources` finds them in a wheel and, through the
editable install, in the checkout. A folder the user gives (`--reference`, `--folder`) always wins.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# The checkout's data folder (sample minutes, gold, corrections): absent in an installed wheel.
CHECKOUT_DATA = Path(__file__).resolve().parent.parent.parent / "data"


def _folder(package: str) -> Path:
    return Path(str(files(package)))


def reference_dir() -> Path:
    """The reference registry shipped with the tool (data/reference in the checkout)."""
    return _folder("graph.resources.reference")


def queries_dir() -> Path:
    """The named questions shipped with the tool (queries/ in the checkout)."""
    return _folder("graph.resources.queries")
