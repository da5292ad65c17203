"""The `sundhedsgraf` command line: a thin click layer over the library (graph.build, graph.validate, ...)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__
from .build import DATA_ENV, DEFAULT_OUT, build as run_build
from .ontology import ontology_graph
from .registry import RegistryError
from .store import GraphStore, StoreError
from .validate import validate_store
from .vocab import PREFIXES

# Piped output (grep, files, tests) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

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


EXIT_CANNOT_RUN = 3


def _cannot_build(exc: Exception, out_dir: Path) -> None:
    """A build that could not be carried out changed nothing: say why in words, not with a traceback."""
    if isinstance(exc, OSError) and not isinstance(exc, StoreError):
        where = exc.filename or out_dir
        reason = {28: "disken er fuld", 30: "mappen er skrivebeskyttet", 13: "ingen skriveadgang", 122: "kvoten er brugt op"}
        message = f"kan ikke skrive i {where}: {reason.get(exc.errno or 0, exc.strerror or str(exc))}"
    else:
        message = str(exc)
    err_console.print(f"Bygningen blev ikke gennemført - intet er ændret: {message}", style="bold red",
                      markup=False, highlight=False, soft_wrap=True)
    sys.exit(EXIT_CANNOT_RUN)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), envvar=DATA_ENV,
              default=DEFAULT_OUT, show_default=True, help=DATA_DIR_HELP)
@click.option("--reference", "data_root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="Mappe med reference/ (standard: den indlejrede data/).")
@click.option("--maps/--no-maps", default=True, show_default=True,
              help="Skriv introduktionspakken med kort (maps/index.html).")
def build(paths: tuple[Path, ...], out_dir: Path, data_root: Path | None, maps: bool) -> None:
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
    except (StoreError, OSError) as exc:  # another build runs, the disk is full, the folder is read-only ...
        _cannot_build(exc, out_dir)

    # unchanged documents are counted, not listed: a weekly update of one document in 5,000 prints one row
    listed = [d for d in report.documents if d.status != "unchanged"]
    if listed:
        docs = Table(title="Dokumenter", title_justify="left")
        docs.add_column("Fil")
        docs.add_column("Status")
        docs.add_column("Tripler", justify="right")
        docs.add_column("Bemærkning")
        status_text = {"built": "[green]bygget[/]", "failed": "[bold red]fejlet[/]", "removed": "[yellow]fjernet[/]"}
        for doc in listed:
            note = doc.error or "; ".join(doc.warnings)
            docs.add_row(doc.path, status_text.get(doc.status, doc.status), str(doc.triples or ""), note)
        console.print(docs)
    if report.repaired_exports:
        console.print("Eksporten var ikke i takt med databasen (en afbrudt build) og er skrevet igen fra databasen.")
    unchanged = len(report.documents) - len(listed)
    if unchanged:
        console.print(f"{unchanged} dokument(er) uændret siden sidste build - ikke bygget igen.")

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
    if maps:
        from .maps import onboarding_pack

        try:
            report.files["maps"] = onboarding_pack(GraphStore.open_read_only(report.out_dir), report.out_dir)
        except OSError as exc:
            err_console.print(f"Databasen og eksporten er bygget, men kortene kunne ikke skrives: {exc.strerror or exc} "
                              f"({exc.filename or report.out_dir})", style="bold red", markup=False, highlight=False)
            sys.exit(EXIT_CANNOT_RUN)
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


@main.command("queries")
@click.option("--folder", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Mappe med .rq-filer (standard: queries/).")
def list_queries(folder: Path | None) -> None:
    """Vis de navngivne forespørgsler med titel, beskrivelse og parametre."""
    from .query import QUERIES_DIR, QueryError, load_queries

    try:
        queries = load_queries(folder or QUERIES_DIR)
    except QueryError as exc:
        err_console.print(f"[red]{exc}[/]")
        sys.exit(2)
    table = Table(title=f"{len(queries)} navngivne forespørgsler", title_justify="left", show_lines=True)
    table.add_column("Navn", style="bold")
    table.add_column("Spørgsmål")
    table.add_column("Parametre (standard)")
    for q in queries.values():
        params = "\n".join(f"{p.name} ({p.type}) = {p.default or '—'}" for p in q.params) or "—"
        table.add_row(q.name, f"{q.title_da}\n[dim]{q.title_en}[/]\n{q.description}", params)
    console.print(table)


@main.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAVN=VÆRDI", help="En parameter; kan gentages.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True,
              help="Uddataformat.")
@data_dir_option
def run_query(name: str, params: tuple[str, ...], fmt: str, data_dir: Path) -> None:
    """Kør en navngiven forespørgsel (NAME) eller en .rq-fil mod databasen."""
    from .query import QueryError, resolve_query, run, term_text, to_delimited, to_json

    given = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep:
            err_console.print(f"[red]--param skal skrives navn=værdi, fik '{item}'[/]")
            sys.exit(2)
        given[key.strip()] = value
    try:
        query = resolve_query(name)
        store = GraphStore.open_read_only(data_dir)
        result = run(store, query, given)
    except (QueryError, StoreError) as exc:
        err_console.print(f"[red]{exc}[/]", soft_wrap=True, highlight=False)
        sys.exit(2)
    if fmt == "json":
        click.echo(to_json(result))
    elif fmt in ("csv", "tsv"):
        click.echo(to_delimited(result, "," if fmt == "csv" else "\t"), nl=False)
    elif result.kind == "ask":
        console.print("ja" if result.boolean else "nej")
    elif result.kind == "graph":
        for triple in result.triples:
            click.echo(str(triple))
    else:
        table = Table(title=query.title_da, title_justify="left")
        for variable in result.variables:
            table.add_column(variable)
        for row in result.rows:
            table.add_row(*(term_text(t) for t in row))
        console.print(table)
        console.print(f"{len(result.rows)} rækker", style="dim")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Adresse at lytte på; alt andet end loopback gør endpointet synligt på netværket.")
@click.option("--port", default=7878, show_default=True, type=int, help="Port.")
@click.option("--timeout", "timeout_s", default=30, show_default=True, type=click.IntRange(1, 3600),
              help="Sekunder en forespørgsel må køre.")
@click.option("--cors", is_flag=True, help="Tillad forespørgsler fra websider på andre domæner (Access-Control-Allow-Origin: *).")
@data_dir_option
def serve(host: str, port: int, timeout_s: int, cors: bool, data_dir: Path) -> None:
    """Start et skrivebeskyttet SPARQL 1.1-endpoint med forespørgselsside og kort."""
    from .serve import Endpoint

    try:
        endpoint = Endpoint(data_dir, host=host, port=port, timeout_s=timeout_s, cors=cors)
    except (StoreError, OSError) as exc:
        err_console.print(f"[red]{exc}[/]")
        sys.exit(2)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(f"[yellow]Advarsel: endpointet lytter på {host} og kan nås fra netværket.[/]")
    console.print(f"sundhedsgraf lytter på {endpoint.url}/  (SPARQL: {endpoint.url}/sparql)  Stop med Ctrl-C.",
                  soft_wrap=True)
    import signal

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        console.print("Stoppet.")


@main.command("push")
@click.option("--endpoint", required=True, help="Graph Store Protocol-adressen, fx http://localhost:7878/store eller http://host:3030/ds/data.")
@click.option("--user", default=None, envvar="SUNDHEDSGRAF_PUSH_USER", help="Brugernavn (Basic auth).")
@click.option("--password", default=None, envvar="SUNDHEDSGRAF_PUSH_PASSWORD", help="Adgangskode (Basic auth).")
@click.option("--query-endpoint", default=None,
              help="SPARQL-forespørgselsadressen, hvor serverens grafer listes (standard: udledt for Oxigraph, Fuseki, GraphDB og Virtuoso).")
@data_dir_option
def push_command(endpoint: str, user: str | None, password: str | None, query_endpoint: str | None, data_dir: Path) -> None:
    """Send datasættet til en ekstern triplestore: hver navngiven graf erstattes, og datasættets grafer, der ikke
    længere findes lokalt, fjernes, så push kan gentages."""
    from rich.text import Text

    from .push import PushError, printable, push

    def say(target: Console, text: str, style: str | None = None) -> None:
        # server text and URLs are plain text: never rich markup, never terminal control codes
        target.print(Text(printable(text), style=style or ""), highlight=False, soft_wrap=True)

    try:
        store = GraphStore.open_read_only(data_dir)
        with console.status("Sender ...") as status:
            report = push(store, endpoint, user, password, query_endpoint=query_endpoint,
                          progress=lambda g: status.update(Text(printable(f"Sender {g}"))))
    except (PushError, StoreError) as exc:
        say(err_console, str(exc), "red")
        sys.exit(1)
    for note in report.notes:
        say(err_console, f"Advarsel: {note}", "yellow")
    say(console, f"{len(report.graphs)} grafer ({report.triples} tripler) sendt til {report.endpoint}")
    if report.removed:
        say(console, f"fjernede {len(report.removed)} grafer, der ikke længere findes lokalt")


@main.command("map")
@click.argument("kind", type=click.Choice(["structure", "forum", "decisions", "organisation"]))
@click.option("--focus", default=None, help="Forummet eller organisationen kortet handler om (navn, id eller IRI).")
@click.option("--at", "at", default=None, metavar="ÅÅÅÅ-MM-DD", help="Strukturen på denne dato (standard: i dag).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="HTML-filen (standard: <datamappe>/maps/<kind>.html).")
@data_dir_option
def map_command(kind: str, focus: str | None, at: str | None, out_file: Path | None, data_dir: Path) -> None:
    """Tegn et interaktivt kort (HTML, virker uden netværk): structure, forum, decisions eller organisation."""
    from .maps import MapError, make_map, write_html

    if at is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", at):
        err_console.print(f"[red]--at skal være en dato ÅÅÅÅ-MM-DD, fik '{at}'[/]")
        sys.exit(2)
    try:
        title, html = make_map(GraphStore.open_read_only(data_dir), kind, focus, at)
    except (MapError, StoreError) as exc:
        err_console.print(f"[red]{exc}[/]", soft_wrap=True, highlight=False)
        sys.exit(2)
    path = write_html(out_file or data_dir / "maps" / f"{kind}.html", html)
    console.print(f"{title}: {path}", highlight=False, soft_wrap=True)


@main.command("path")
@click.argument("start")
@click.argument("end")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Tegn også forbindelsen som HTML-kort her.")
@data_dir_option
def path_command(start: str, end: str, out_file: Path | None, data_dir: Path) -> None:
    """Vis hvordan to knuder hænger sammen (fx et driftsforum og det politiske niveau)."""
    from .maps import MapError, make_path_map, write_html

    try:
        steps, html = make_path_map(GraphStore.open_read_only(data_dir), start, end)
    except (MapError, StoreError) as exc:
        err_console.print(f"[red]{exc}[/]", soft_wrap=True, highlight=False)
        sys.exit(2)
    for number, (label, kind) in enumerate(steps):
        console.print(f"{'   ' * min(number, 1)}{'→ ' if number else ''}{label}  [dim]({kind})[/]", highlight=False)
    if out_file:
        console.print(f"Kort: {write_html(out_file, html)}", highlight=False)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Én JSON-linje pr. dokument (skemaet i README; også guldformatet).")
@click.option("--reference", "data_root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Mappe med reference/ (standard: den indlejrede data/).")
def extract(files: tuple[Path, ...], as_json: bool, data_root: Path | None) -> None:
    """Udtræk møde, deltagere, punkter, indstillinger, beslutninger, organisationer og beløb af referater."""
    import json

    from .build import DEFAULT_DATA
    from .pipeline import extract_linked
    from .read import display_path
    from .registry import load_registry
    from .workers import run_limited

    registry = load_registry((data_root or DEFAULT_DATA) / "reference")
    failed = 0
    # each file in a worker with a time and memory limit: one that fails or stalls is named, the others go on
    for path, (ok, extraction) in zip(files, run_limited(lambda p: extract_linked(p, registry), files)):
        if not ok:
            failed += 1
            message = extraction if extraction.startswith(display_path(path)) else f"{display_path(path)}: {extraction}"
            err_console.print(message, style="red", markup=False, highlight=False, soft_wrap=True)
            continue
        if as_json:
            click.echo(json.dumps(extraction.to_json(), ensure_ascii=False))
            continue
        _print_extraction(extraction)
    if failed:
        err_console.print(f"[bold red]{failed} af {len(files)} fil(er) kunne ikke udtrækkes.[/]")
        sys.exit(1)


def _print_extraction(ex) -> None:
    m = ex.meeting
    console.rule(f"[bold]{ex.path}[/]")
    console.print(f"Møde: [bold]{m.forum or '?'}[/] ({m.body or 'ukendt organ'}), {m.date or 'ukendt dato'}"
                  f"{' kl. ' + m.start if m.start else ''}{', ' + m.place if m.place else ''}", highlight=False)
    present = [p.name for p in ex.participants if p.present]
    absent = [p.name for p in ex.participants if not p.present]
    console.print(f"Deltagere ({len(present)}): {', '.join(present) or '-'}", highlight=False)
    if absent:
        console.print(f"Afbud ({len(absent)}): {', '.join(absent)}", highlight=False)
    table = Table(show_lines=False)
    table.add_column("Pkt.")
    table.add_column("Titel")
    table.add_column("Type")
    table.add_column("Indstillinger → beslutninger")
    for item in ex.items:
        lines = [f"{r.number}. {r.text[:70]}" for r in item.recommendations]
        lines += [f"→ {d.outcome}{' (indst. ' + str(d.recommendation) + ')' if d.recommendation else ''}: {d.text[:60]}" for d in item.decisions]
        table.add_row(item.number or "", item.title[:60], item.kind, "\n".join(lines))
    console.print(table)
    linked = sorted({o.id for o in ex.organisations if o.id})
    console.print(f"Organisationer koblet til registret: {len(linked)}; nævnt i alt: {len(ex.organisations)}; "
                  f"initiativer: {len({i.id for i in ex.initiatives})}; beløb: {len(ex.amounts)}", highlight=False)
    for warning in ex.warnings:
        console.print(f"[yellow]Advarsel:[/] {warning}", highlight=False)


@main.command()
@click.option("--portal", default=None, help="Portalens adresse, fx https://dagsordener.greve.dk.")
@click.option("--organisation", default=None,
              help="Vælg portalen (og for et sundhedsråd udvalget) efter navn: en kommune, en region eller et sundhedsråd.")
@click.option("--list", "list_only", is_flag=True, help="Vis portalens udvalg og antal møder, og hent intet.")
@click.option("--committee", "committees", multiple=True, help="Et udvalg (navn eller id); kan gentages. Standard: alle.")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Kun møder fra denne dato (ÅÅÅÅ-MM-DD).")
@click.option("--minutes", "minutes_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("referater"),
              show_default=True, help="Mappen med referater, som build læser.")
@click.option("--delay", type=float, default=1.0, show_default=True, help="Sekunder mellem to forespørgsler til samme portal.")
@click.option("--timeout", "timeout_s", type=float, default=30.0, show_default=True, help="Sekunder et svar må tage.")
@click.option("--retries", type=int, default=4, show_default=True, help="Forsøg igen ved 429, 5xx og afbrudt forbindelse.")
@click.option("--reference", "data_root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Mappe med reference/ (standard: den indlejrede data/).")
def harvest(portal: str | None, organisation: str | None, list_only: bool, committees: tuple[str, ...], since,
            minutes_dir: Path, delay: float, timeout_s: float, retries: int, data_root: Path | None) -> None:
    """Hent møder fra en FirstAgenda-portal ind i mappen med referater; kun nye og ændrede, til build bagefter."""
    from rich.text import Text

    from .build import DEFAULT_DATA
    from .harvest import Client, HarvestError, harvest as run_harvest, list_committees, resolve_organisation
    from .registry import load_registry

    def say(target: Console, text: str, style: str = "") -> None:  # portal text is plain text, never markup
        target.print(Text(text, style=style), highlight=False, soft_wrap=True)

    if bool(portal) == bool(organisation):
        raise click.UsageError("angiv enten --portal eller --organisation")
    client = Client(delay=delay, timeout=timeout_s, retries=retries)
    try:
        if organisation:
            reference = (data_root or DEFAULT_DATA) / "reference"
            entry = resolve_organisation(organisation, load_registry(reference), reference)
            portal = entry.portal
            if entry.committee_id and not committees:
                committees = (entry.committee_id,)
            say(console, f"{entry.organisation}: {portal} (sikkerhed {entry.confidence}; kilde: {entry.source})")
        assert portal is not None
        if list_only:
            table = Table(title=f"Udvalg på {portal}", title_justify="left")
            for column in ("Gruppe", "Udvalg", "Id", "Møder"):
                table.add_column(column, justify="right" if column == "Møder" else "left")
            for committee in list_committees(client, portal):
                table.add_row(Text(committee.group or ""), Text(committee.name), committee.id, str(len(committee.meetings)))
            console.print(table)
            return
        with console.status("Henter ...") as status:
            report = run_harvest(portal, minutes_dir, list(committees), since.date() if since else None, client,
                                 progress=lambda text: status.update(Text(f"Henter {text}")))
    except HarvestError as exc:
        say(err_console, str(exc), "red")
        sys.exit(1)
    say(console, f"{len(report.fetched)} møde(r) hentet (nye eller ændrede), {report.unchanged} uændrede, "
                 f"{report.skipped} endelige sprunget over -> {minutes_dir}")
    for where, message in report.failed:
        say(err_console, f"{where}: {message}", "red")
    if report.failed:
        say(err_console, f"{len(report.failed)} møde(r) kunne ikke hentes; kør harvest igen (hentede møder hentes ikke igen)", "bold red")
        sys.exit(1)


@main.command()
@click.option("--gold", "gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Mappe med guldannoteringer (standard: data/gold/).")
@click.option("--minutes", "minutes_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Mappe med eksempelreferaterne (standard: data/minutes/).")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Mappe med de rigtige referater, som guldet i data/gold/corpus/ hører til (standard: ../shared/corpus/).")
@click.option("--publisher", default=None, help="Kun referater fra denne udgiver (fx 'Region Syddanmark').")
@click.option("--errors", is_flag=True, help="Vis hver afvigelse fra guldet (ikke for tilbageholdte referater).")
def evaluate(gold_dir: Path | None, minutes_dir: Path | None, corpus_dir: Path | None, publisher: str | None,
             errors: bool) -> None:
    """Mål udtrækket mod guldannoteringer: præcision, genkaldelse og F1 pr. faktatype, pr. samling og pr. udgiver."""
    from .build import DEFAULT_DATA
    from .evaluate import COLLECTIONS, evaluate as run_evaluate
    from .registry import load_registry

    registry = load_registry(DEFAULT_DATA / "reference")
    result = run_evaluate(gold_dir or DEFAULT_DATA / "gold", minutes_dir or DEFAULT_DATA / "minutes", registry, corpus_dir)
    if publisher:
        result = result.where(publisher=publisher)
    for collection, title in COLLECTIONS.items():
        part = result.where(collection)
        if part.documents:
            _print_scores(part, f"{title}: {len(part.documents)} dokumenter fra {len(part.publishers())} udgivere")
    real = result.where("dev").documents + result.where("test").documents
    if real:
        _print_publishers(type(result)(real))
    if result.missing:
        err_console.print(f"{len(result.missing)} guldfil(er) er sprunget over: referatet findes ikke (mangler ../shared/corpus?)",
                          style="yellow", highlight=False)
    if errors:
        for doc in result.documents:
            if doc.collection != "test":  # held back: look at the score, not at the errors
                for error in doc.errors:
                    console.print(f"{doc.document}: {error}", markup=False, highlight=False, soft_wrap=True)


def _print_scores(result, title: str) -> None:
    from .evaluate import PRECISION_TARGETS, TARGETS

    table = Table(title=title, title_justify="left")
    for column in ("Faktatype", "Præcision", "Genkaldelse", "F1", "Mål", "TP", "FP", "FN"):
        table.add_column(column, justify="left" if column == "Faktatype" else "right")
    met = result.meets_targets()
    for fact_type, target in [*TARGETS.items(), *PRECISION_TARGETS.items()]:
        s = result.total(fact_type)
        measure = "P" if fact_type in PRECISION_TARGETS else "F1"
        mark = "[green]✓[/]" if met[fact_type] else "[red]✗[/]"
        table.add_row(fact_type, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", f"{measure} {target:.2f} {mark}",
                      str(s.tp), str(s.fp), str(s.fn))
    console.print(table)
    console.print(f"Punkttype korrekt: {result.accuracy('kind'):.3f}; deltagerrolle korrekt: {result.accuracy('role'):.3f}; "
                  f"sagsgang (rute) korrekt: {result.accuracy('route'):.3f}")


def _print_publishers(result) -> None:
    """F1 per publisher and fact type: a weak layout shows by name."""
    from .evaluate import TARGETS

    table = Table(title="Rigtige referater pr. udgiver (F1; * = tilbageholdt)", title_justify="left")
    table.add_column("Udgiver")
    table.add_column("Dok.", justify="right")
    short = {"meeting": "møde", "participants": "deltagere", "items": "punkter", "recommendations": "indstill.",
             "decisions": "beslutn.", "organisations": "organis.", "amounts": "beløb"}
    for fact_type in TARGETS:
        table.add_column(short[fact_type], justify="right")
    for name in result.publishers():
        part = result.where(publisher=name)
        held = "*" if any(d.collection == "test" for d in part.documents) else ""
        cells = []
        for fact_type, target in TARGETS.items():
            s = part.total(fact_type)
            if s.tp + s.fp + s.fn == 0:
                cells.append("-")
            else:
                cells.append(f"{s.f1:.2f}" if s.f1 >= target else f"[red]{s.f1:.2f}[/]")
        table.add_row(name + held, str(len(part.documents)), *cells)
    console.print(table)


if __name__ == "__main__":
    main()
