"""The `sundhedsgraf` command line: a thin click layer over the library (graph.build, graph.validate, ...)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .build import DATA_ENV, DEFAULT_OUT, build as run_build
from .ontology import ontology_graph
from .registry import RegistryError
from .store import StoreError
from .validate import validate_store
from .vocab import PREFIXES

console = Console()
err_console = Console(stderr=True)

DATA_DIR_HELP = f"Datamappe med database og eksport (standard: ${DATA_ENV} eller ./{DEFAULT_OUT})."


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)):
            return f"{prefix}:{iri[len(str(ns)):]}"
    return iri


def _class_label(iri: str) -> str:
    from rdflib import URIRef
    from rdflib.namespace import RDFS

    for label in ontology_graph().objects(URIRef(iri), RDFS.label):
        if getattr(label, "language", None) == "da":
            return str(label)
    return _short(iri)


def data_dir_option(func):
    return click.option(
        "--data", "data_dir", type=click.Path(file_okay=False, path_type=Path), envvar=DATA_ENV,
        default=DEFAULT_OUT, show_default=True, help=DATA_DIR_HELP,
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sundhedsgraf")
def main() -> None:
    """sundhedsgraf: hvem beslutter hvad i det danske sundhedssamarbejde - en vidensgraf bygget af referater."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), envvar=DATA_ENV,
              default=DEFAULT_OUT, show_default=True, help=DATA_DIR_HELP)
@click.option("--reference", "data_root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Mappe med reference/ (standard: den indlejrede data/).")
def build(paths: tuple[Path, ...], out_dir: Path, data_root: Path | None) -> None:
    """Byg datasættet: referenceregistret og referater (PATHS; standard data/minutes/) -> database, TriG og N-Quads."""
    from .build import DEFAULT_DATA
    from .pipeline import build_document

    try:
        with console.status("Bygger ...", spinner="dots") as status:
            report = run_build(
                paths or None, out_dir=out_dir, data_dir=data_root or DEFAULT_DATA,
                document_builder=build_document,
                progress=lambda p: status.update(f"Bygger {p}"),
            )
    except RegistryError as exc:
        err_console.print(f"[bold red]Referenceregistret har {len(exc.problems)} fejl - intet er ændret:[/]")
        for problem in exc.problems:
            err_console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)

    if report.documents:
        docs = Table(title="Dokumenter", title_justify="left")
        docs.add_column("Fil")
        docs.add_column("Status")
        docs.add_column("Tripler", justify="right")
        docs.add_column("Bemærkning")
        status_text = {"built": "[green]bygget[/]", "unchanged": "uændret", "failed": "[bold red]fejlet[/]", "removed": "[yellow]fjernet[/]"}
        for doc in report.documents:
            note = doc.error or "; ".join(doc.warnings)
            docs.add_row(doc.path, status_text.get(doc.status, doc.status), str(doc.triples or ""), note)
        console.print(docs)

    types = Table(title="Knuder pr. type", title_justify="left")
    types.add_column("Type")
    types.add_column("IRI", style="dim")
    types.add_column("Antal", justify="right")
    for iri, count in report.type_counts.items():
        types.add_row(_class_label(iri), _short(iri), str(count))
    console.print(types)
    console.print(
        f"{report.total_quads} tripler i {len(report.documents)} dokumenter + referenceregistret "
        f"({report.registry_triples} tripler) på {report.seconds:.2f} s -> {report.out_dir}"
    )
    for name, path in report.files.items():
        console.print(f"  {name}: {path}", highlight=False)
    if not report.ok:
        err_console.print(f"[bold red]{len(report.failed)} fil(er) fejlede:[/]")
        for doc in report.failed:
            err_console.print(f"  {doc.path}: {doc.error}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(1)


@main.command()
@data_dir_option
def validate(data_dir: Path) -> None:
    """Tjek datasættet mod SHACL-formerne; afslutter med fejlkode ved enhver overtrædelse."""
    try:
        violations = validate_store(data_dir)
    except StoreError as exc:
        err_console.print(f"[red]{exc}[/]")
        sys.exit(2)
    if not violations:
        console.print("[green]Datasættet overholder alle SHACL-former.[/]")
        return
    console.print(f"[bold red]{len(violations)} overtrædelse(r) af SHACL-formerne:[/]")
    for v in violations:
        node = f"{v.label} ({_short(v.focus)})" if v.label else _short(v.focus)
        console.print(f"- {node}  {v.path}: {v.message}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(1)


if __name__ == "__main__":
    main()
