"""`push`: upload the dataset to any SPARQL 1.1 Graph Store Protocol server
(Oxigraph server, Apache Jena Fuseki, GraphDB, Virtuoso).

Each named graph is sent with HTTP PUT to `<endpoint>?graph=<graph IRI>`, which replaces
that graph on the server: pushing twice leaves the same data, not twice the data, and a
push cut off midway completes when run again.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .store import META_GRAPH, GraphStore


class PushError(Exception):
    pass


@dataclass
class PushReport:
    endpoint: str
    graphs: list[tuple[str, int]] = field(default_factory=list)  # graph IRI, triples

    @property
    def triples(self) -> int:
        return sum(n for _, n in self.graphs)


def _graph_bytes(store: GraphStore, graph: str) -> tuple[bytes, int]:
    quads = list(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
    return data, len(quads)


def push(store: GraphStore, endpoint: str, user: str | None = None, password: str | None = None,
         timeout_s: float = 120, progress: Callable[[str], None] | None = None) -> PushReport:
    if not endpoint.startswith(("http://", "https://")):
        raise PushError(f"endpointet skal være en http(s)-adresse, fik '{endpoint}'")
    report = PushReport(endpoint)
    headers = {"Content-Type": "application/n-triples"}
    if user:
        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    graphs = [g for g in store.named_graphs() if g != str(META_GRAPH)]
    for number, graph in enumerate(graphs, start=1):
        if progress:
            progress(graph)
        data, count = _graph_bytes(store, graph)
        separator = "&" if "?" in endpoint else "?"
        url = f"{endpoint}{separator}graph={urllib.parse.quote(graph, safe='')}"
        request = urllib.request.Request(url, data=data, method="PUT", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", errors="replace").strip()
            raise PushError(f"{endpoint} afviste graf {number} af {len(graphs)} ({graph}): HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PushError(f"kan ikke nå {endpoint} ved graf {number} af {len(graphs)} ({reason}); "
                            f"{len(report.graphs)} grafer nåede frem - kør push igen, når serveren svarer") from exc
        report.graphs.append((graph, count))
    return report
