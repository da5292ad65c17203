"""The `sundhedsgraf` command line: a thin click layer over the library (graph.build, graph.validate, ...)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence, Set as AbstractSet
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from . import __version__
from .build import DATA_ENV, DEFAULT_OUT, build as run_build
from .ontology import term_label
from .registry import RegistryError
from .store import GraphStore, StoreError
from .validate import validate_store
from .vocab import PREFIXES

# Piped output (grep, files, tests) gets wide tables instead of rich's 80-column default; a terminal, or COLUMNS,
# sets the width (see _fit_width).
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)


def _fit_width() -> None:
    """Tables as wide as the terminal, or as COLUMNS says (COLUMNS=80 also when piped); 160 columns otherwise."""
    columns = os.environ.get("COLUMNS", "").strip()
    for target, stream in ((console, sys.stdout), (err_console, sys.stderr)):
        if columns.isdigit() and int(columns) >= 20:
            target.width = int(columns)
        elif not stream.isatty():
            target.width = 160


SHORT_CELL = 16  # a column whose values are all this short (dates, numbers, codes) is never wrapped or cut


def fitted_table(
    title: str | None, headers: list[str], rows: list[list], right: AbstractSet[str] = frozenset(), **options
) -> Table:
    """A table that fits the console: short values (dates, amounts, ids) are kept whole on one line; longer text
    wraps at spaces, and the text columns share the width by how much they hold; a word wider than its column
    (an IRI) is folded onto the next line, never cut with '…'."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAVY, pad_edge=False, **options)
    texts: list[tuple[int, int, float] | None] = []  # per column: (longest line, longest word, average length) of a
    # text column, or None
    for index, header in enumerate(headers):
        values = [
            Text.from_markup(row[index]).plain if isinstance(row[index], str) else str(row[index])
            for row in rows
            if index < len(row)
        ]
        longest = max((len(line) for value in values for line in value.split("\n")), default=0)
        justify: JustifyMethod = "right" if header in right else "left"
        if longest <= SHORT_CELL or longest <= 32 and not any(" " in value for value in values):  # dates, ids
            table.add_column(header, justify=justify, no_wrap=True, min_width=max(longest, len(header)))
            texts.append(None)
        else:
            table.add_column(header, justify=justify, overflow="fold")
            word = max((len(w) for value in values for w in value.split()), default=1)
            texts.append((longest, word, sum(map(len, values)) / max(1, len(values))))
    for row in rows:
        table.add_row(*row)
    # the box's two edges and a divider between columns, one space each side of a column but not at the edges
    padding = 2 + (len(headers) - 1) + 2 * (len(headers) - 1)
    fixed = sum(
        max(c.min_width or 0, len(header))
        for header, c, t in zip(headers, table.columns, texts, strict=True)
        if t is None
    )
    available = (console.width or 80) - fixed - padding
    measured = {i: t for i, t in enumerate(texts) if t is not None}  # the text columns
    wants = {i: max(t[0], len(headers[i])) for i, t in measured.items()}
    if wants and sum(wants.values()) > available:
        for cap in (18, 16, 14, 12, 10, 8):  # the widest minimum that keeps most words whole
            mins = {i: min(wants[i], max(len(headers[i]), min(measured[i][1], cap))) for i in wants}
            if sum(mins.values()) <= available:
                break
        if sum(mins.values()) <= available:
            widths = dict(mins)
            rest = available - sum(widths.values())
            active = [i for i in wants if widths[i] < wants[i]]
            while rest > 0 and active:
                total = sum(measured[i][2] for i in active) or 1
                given = 0
                for i in active:
                    add = min(max(1, int(rest * measured[i][2] / total)), wants[i] - widths[i], rest - given)
                    widths[i] += add
                    given += add
                rest -= given
                active = [i for i in active if widths[i] < wants[i]]
                if not given:
                    break
            for i, width in widths.items():
                table.columns[i].width = width
    return table


# ---------------------------------------------------------------------------------------------------------------
# click in Danish: headings, usage line, option notes and the help option. click words these with gettext; these
# classes word them again, so `--help` is Danish whatever the user's locale.

_METAVARS = {
    "INTEGER RANGE": "HELTAL",
    "FLOAT RANGE": "TAL",
    "DIRECTORY": "MAPPE",
    "INTEGER": "HELTAL",
    "FLOAT": "TAL",
    "TEXT": "TEKST",
    "FILE": "FIL",
    "PATH": "STI",
    "BOOLEAN": "JA|NEJ",
    "[%Y-%m-%d]": "ÅÅÅÅ-MM-DD",
    "[OPTIONS]": "[TILVALG]",
    "COMMAND [ARGS]...": "KOMMANDO [ARGUMENTER]...",
}
_METAVAR_RE = re.compile("|".join(re.escape(k) for k in sorted(_METAVARS, key=len, reverse=True)))
_NOTE_RE = re.compile(r"\s*\[([^\[\]]*)\]$")


def _danish_note(text: str) -> str:
    """click's trailing '[default: x; 1<=x<=3600; required]' in Danish."""

    def note(m: re.Match) -> str:
        parts = [part.strip() for part in m.group(1).split(";")]
        words = {"required": "påkrævet"}
        parts = [
            ("standard: " + part[len("default: ") :])
            if part.startswith("default: ")
            else ("miljøvariabel: " + part[len("env var: ") :])
            if part.startswith("env var: ")
            else words.get(part, part)
            for part in parts
        ]
        return f"  [{'; '.join(parts)}]"

    return _NOTE_RE.sub(note, text)


_MESSAGES = [  # click's usage errors, in Danish (the common ones; anything else is shown as click words it)
    (r"Missing argument '(.+)'\.", r"argumentet \1 mangler."),
    (r"Missing option '(.+)'\.", r"tilvalget \1 mangler."),
    (r"No such option: (\S+)", r"ukendt tilvalg: \1"),
    (r"No such command '(.+)'\.", r"ukendt kommando '\1'."),
    (r"Did you mean (.+)\?", r"Mente du \1?"),
    (r"\(Possible options: (.+)\)", r"(mulige tilvalg: \1)"),
    (r"Option '(.+)' requires an argument\.", r"tilvalget \1 kræver en værdi."),
    (r"Option '(.+)' does not take a value\.", r"tilvalget \1 tager ingen værdi."),
    (r"Got unexpected extra arguments? \((.+)\)", r"uventet ekstra argument (\1)"),
    (r"Invalid value for (.+?): ", r"ugyldig værdi for \1: "),
    (r"'(.+)' is not one of (.+)\.", r"'\1' er ikke en af \2."),
    (r"'(.+)' is not a valid integer( range)?\.", r"'\1' er ikke et heltal."),
    (r"'(.+)' is not a valid float( range)?\.", r"'\1' er ikke et tal."),
    (r"'(.+)' does not match the format (.+)\.", r"'\1' passer ikke til formatet \2."),
    (r"(.+) is not in the range (.+)\.", r"\1 er ikke i intervallet \2."),
    (r"(Directory|File|Path) '(.+)' does not exist\.", r"'\2' findes ikke."),
    (r"(Directory|File|Path) '(.+)' is a (directory|file)\.", r"'\2' er en \3."),
]


def _danish_message(text: str) -> str:
    for pattern, replacement in _MESSAGES:
        text = re.sub(pattern, replacement, text)
    return text.replace("is a directory", "mappe").replace("is a file", "fil")


class DanishFormatter(click.HelpFormatter):
    SECTIONS = {"Options": "Tilvalg", "Commands": "Kommandoer", "Positional arguments": "Argumenter"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(
            prog, _METAVAR_RE.sub(lambda m: _METAVARS[m.group(0)], args), "Brug: " if prefix is None else prefix
        )

    @contextmanager
    def section(self, name: str):
        with super().section(self.SECTIONS.get(name, name)):
            yield

    def write_dl(self, rows, *args, **kwargs) -> None:
        rows = [
            (_METAVAR_RE.sub(lambda m: _METAVARS[m.group(0)], first), _danish_note(second)) for first, second in rows
        ]
        super().write_dl(rows, *args, **kwargs)


class DanishContext(click.Context):
    formatter_class = DanishFormatter


class DanishCommand(click.Command):
    context_class = DanishContext

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "Vis denne hjælp og afslut."
        return option


class DanishGroup(DanishCommand, click.Group):
    command_class = DanishCommand

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """As click's standalone mode, with its own words in Danish ('Fejl:', 'Prøv … for hjælp.', 'Afbrudt!')."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            if exc.ctx is not None:
                click.echo(exc.ctx.get_usage(), err=True)
                names = exc.ctx.help_option_names
                if names:
                    click.echo(f"Prøv '{exc.ctx.command_path} {names[-1]}' for hjælp.", err=True)
                click.echo(err=True)
            click.echo(f"Fejl: {_danish_message(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Fejl: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Afbrudt!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


DATA_DIR_HELP = f"Datamappe med database og eksport (standard: ${DATA_ENV} eller ./{DEFAULT_OUT})."


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


def _class_label(iri: str) -> str:
    return term_label(iri) or _short(iri)


def data_dir_option(func):
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=DATA_ENV,
        default=DEFAULT_OUT,
        help=DATA_DIR_HELP,
    )(func)


@click.group(cls=DanishGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="sundhedsgraf", message="%(prog)s %(version)s", help="Vis versionen og afslut."
)
def main() -> None:
    """sundhedsgraf: hvem beslutter hvad i det danske sundhedssamarbejde - en vidensgraf bygget af referater."""
    _fit_width()


EXIT_CANNOT_RUN = 3


def _cannot_build(exc: Exception, out_dir: Path) -> None:
    """A build that could not be carried out changed nothing: say why in words, not with a traceback."""
    if isinstance(exc, OSError) and not isinstance(exc, StoreError):
        where = exc.filename or out_dir
        reason = {
            28: "disken er fuld",
            30: "mappen er skrivebeskyttet",
            13: "ingen skriveadgang",
            122: "kvoten er brugt op",
        }
        message = f"kan ikke skrive i {where}: {reason.get(exc.errno or 0, exc.strerror or str(exc))}"
    else:
        message = str(exc)
    err_console.print(
        f"Bygningen blev ikke gennemført - intet er ændret: {message}",
        style="bold red",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    sys.exit(EXIT_CANNOT_RUN)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[STI]...")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_ENV,
    default=DEFAULT_OUT,
    help=DATA_DIR_HELP,
)
@click.option(
    "--reference",
    "data_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Mappe med reference/ (standard: den indlejrede data/).",
)
@click.option(
    "--maps/--no-maps",
    default=True,
    help="Skriv introduktionspakken med kort (maps/index.html; standard); --no-maps springer den over.",
)
def build(paths: tuple[Path, ...], out_dir: Path, data_root: Path | None, maps: bool) -> None:
    """Byg datasættet: referenceregistret og referater (STI: filer eller mapper; standard data/minutes/) -> database,
    TriG og N-Quads."""
    from .build import DEFAULT_DATA
    from .pipeline import build_document

    try:
        with console.status("Bygger ...", spinner="dots") as status:
            report = run_build(
                paths or None,
                out_dir=out_dir,
                data_dir=data_root or DEFAULT_DATA,
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
        status_text = {"built": "[green]bygget[/]", "failed": "[bold red]fejlet[/]", "removed": "[yellow]fjernet[/]"}
        rows = [
            [
                Text(doc.path),
                status_text.get(doc.status, doc.status),
                str(doc.triples or ""),
                Text(doc.error or "; ".join(doc.warnings)),
            ]
            for doc in listed
        ]
        console.print(fitted_table("Dokumenter", ["Fil", "Status", "Tripler", "Bemærkning"], rows, right={"Tripler"}))
    if report.repaired_exports:
        console.print("Eksporten var ikke i takt med databasen (en afbrudt build) og er skrevet igen fra databasen.")
    unchanged = len(report.documents) - len(listed)
    if unchanged:
        console.print(f"{unchanged} dokument(er) uændret siden sidste build - ikke bygget igen.")

    rows = [[_class_label(iri), f"[dim]{_short(iri)}[/]", str(count)] for iri, count in report.type_counts.items()]
    console.print(fitted_table("Knuder pr. type", ["Type", "IRI", "Antal"], rows, right={"Antal"}))
    console.print(
        f"{report.total_quads} tripler i {len(report.documents)} dokumenter + referenceregistret "
        f"({report.registry_triples} tripler) på {report.seconds:.2f} s -> {report.out_dir}"
    )
    if maps:
        from .maps import onboarding_pack, pack_is_current

        try:
            store = GraphStore.open_read_only(report.out_dir)
            if pack_is_current(store, report.out_dir):
                console.print("Kortene er tegnet af de samme data, den samme kode og på samme dag - ikke tegnet igen.")
                report.files["maps"] = report.out_dir / "maps" / "index.html"
            else:
                report.files["maps"] = onboarding_pack(store, report.out_dir)
        except OSError as exc:
            err_console.print(
                f"Databasen og eksporten er bygget, men kortene kunne ikke skrives: {exc.strerror or exc} "
                f"({exc.filename or report.out_dir})",
                style="bold red",
                markup=False,
                highlight=False,
            )
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
@click.option(
    "--folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Mappe med .rq-filer (standard: queries/).",
)
def list_queries(folder: Path | None) -> None:
    """Vis de navngivne forespørgsler med titel, beskrivelse og parametre."""
    from .query import QUERIES_DIR, QueryError, load_queries

    try:
        queries = load_queries(folder or QUERIES_DIR)
    except QueryError as exc:
        err_console.print(f"[red]{exc}[/]")
        sys.exit(2)
    rows = [
        [
            f"[bold]{q.name}[/]",
            f"{q.title_da}\n[dim]{q.title_en}[/]\n{q.description}",
            "\n".join(f"{p.name} ({p.type}) = {p.default or '—'}" for p in q.params) or "—",
        ]
        for q in queries.values()
    ]
    console.print(
        fitted_table(
            f"{len(queries)} navngivne forespørgsler",
            ["Navn", "Spørgsmål", "Parametre (standard)"],
            rows,
            show_lines=True,
        )
    )


@main.command("query")
@click.argument("name", metavar="NAVN|FIL.rq")
@click.option("--param", "-p", "params", multiple=True, metavar="NAVN=VÆRDI", help="En parameter; kan gentages.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Uddataformat: table (tabel), csv, tsv eller json (SPARQL-resultater i JSON).",
)
@data_dir_option
def run_query(name: str, params: tuple[str, ...], fmt: str, data_dir: Path) -> None:
    """Kør et navngivet spørgsmål (NAVN, se 'sundhedsgraf queries') eller en .rq-fil mod databasen."""
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
        import pyoxigraph as ox
        from rich.text import Text

        numeric = ("integer", "decimal", "double", "float", "int", "long")
        right = {
            v
            for i, v in enumerate(result.variables)
            if result.rows
            and all(
                isinstance(row[i], ox.Literal) and row[i].datatype.value.rsplit("#", 1)[-1] in numeric
                for row in result.rows
                if row[i] is not None
            )
        }
        rows = [[Text(term_text(t)) for t in row] for row in result.rows]  # data is text, never markup
        console.print(fitted_table(query.title_da, result.variables, rows, right=right))
        console.print(f"{len(result.rows)} rækker", style="dim")


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Adresse at lytte på; alt andet end loopback gør endpointet synligt på netværket.",
)
@click.option("--port", default=7878, show_default=True, type=int, help="Port.")
@click.option(
    "--timeout",
    "timeout_s",
    default=30,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Sekunder en forespørgsel må køre.",
)
@click.option(
    "--cors", is_flag=True, help="Tillad forespørgsler fra websider på andre domæner (Access-Control-Allow-Origin: *)."
)
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
    console.print(
        f"sundhedsgraf lytter på {endpoint.url}/  (SPARQL: {endpoint.url}/sparql)  Stop med Ctrl-C.", soft_wrap=True
    )
    import signal

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        console.print("Stoppet.")


@main.command("push")
@click.option(
    "--endpoint",
    required=True,
    help="Graph Store Protocol-adressen, fx http://localhost:7878/store eller http://host:3030/ds/data.",
)
@click.option("--user", default=None, envvar="SUNDHEDSGRAF_PUSH_USER", help="Brugernavn (Basic auth).")
@click.option("--password", default=None, envvar="SUNDHEDSGRAF_PUSH_PASSWORD", help="Adgangskode (Basic auth).")
@click.option(
    "--query-endpoint",
    default=None,
    help="SPARQL-forespørgselsadressen, hvor serverens grafer listes "
    "(standard: udledt for Oxigraph, Fuseki, GraphDB og Virtuoso).",
)
@data_dir_option
def push_command(
    endpoint: str, user: str | None, password: str | None, query_endpoint: str | None, data_dir: Path
) -> None:
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
            report = push(
                store,
                endpoint,
                user,
                password,
                query_endpoint=query_endpoint,
                progress=lambda g: status.update(Text(printable(f"Sender {g}"))),
            )
    except (PushError, StoreError) as exc:
        say(err_console, str(exc), "red")
        sys.exit(1)
    for note in report.notes:
        say(err_console, f"Advarsel: {note}", "yellow")
    say(console, f"{len(report.graphs)} grafer ({report.triples} tripler) sendt til {report.endpoint}")
    if report.removed:
        say(console, f"fjernede {len(report.removed)} grafer, der ikke længere findes lokalt")


@main.command("map")
@click.argument(
    "kind",
    type=click.Choice(["structure", "transition", "forum", "decisions", "organisation"]),
    metavar="structure|transition|forum|decisions|organisation",
)
@click.option("--focus", default=None, help="Forummet eller organisationen kortet handler om (navn, id eller IRI).")
@click.option("--at", "at", default=None, metavar="ÅÅÅÅ-MM-DD", help="Strukturen på denne dato (standard: i dag).")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="HTML-filen (standard: <datamappe>/maps/<kind>.html).",
)
@data_dir_option
def map_command(kind: str, focus: str | None, at: str | None, out_file: Path | None, data_dir: Path) -> None:
    """Tegn et interaktivt kort (HTML, virker uden netværk): structure, transition, forum, decisions eller
    organisation."""
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
@click.argument("start", metavar="START")
@click.argument("end", metavar="SLUT")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Tegn også forbindelsen som HTML-kort her.",
)
@data_dir_option
def path_command(start: str, end: str, out_file: Path | None, data_dir: Path) -> None:
    """Vis den korteste forbindelse mellem to knuder (navn, id eller IRI), trin for trin med relationen i hvert trin,
    fx fra et driftsforum til det politiske niveau."""
    from rich.text import Text

    from .maps import TYPES, MapError, find, load_graph, make_path_map, path_view, write_html

    try:
        store = GraphStore.open_read_only(data_dir)
        g = load_graph(store)
        nodes, _ = path_view(g, find(g, start), find(g, end))
    except (MapError, StoreError) as exc:
        err_console.print(f"[red]{exc}[/]", soft_wrap=True, highlight=False)
        sys.exit(2)

    def node(n: str) -> Text:
        return Text.assemble(g.nodes[n]["label"], ("  (" + TYPES[g.nodes[n]["type"]][0] + ")", "dim"))

    def relation(a: str, b: str) -> Text:
        """The edge between two neighbours on the path: '↓ del af' reads a → b, '↑ har medlem' reads b → a."""
        forward = [d.get("label") or "forbundet" for d in (g.get_edge_data(a, b) or {}).values()]
        backward = [d.get("label") or "forbundet" for d in (g.get_edge_data(b, a) or {}).values()]
        arrow, labels = ("↓", forward) if forward else ("↑", backward)
        return Text.assemble("   ", (f"{arrow} {', '.join(dict.fromkeys(labels)) or 'forbundet'}", "cyan"))

    steps = len(nodes) - 1
    console.print(Text(f"{steps} trin (↓: relationen læses oppefra og ned, ↑: nedefra og op)", style="dim"))
    console.print(node(nodes[0]))
    for a, b in pairwise(nodes):
        console.print(relation(a, b))
        console.print(Text.assemble("   → ", node(b)))
    if out_file:
        _, html = make_path_map(store, start, end)
        console.print(f"Kort: {write_html(out_file, html)}", highlight=False)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FIL...")
@click.option(
    "--json", "as_json", is_flag=True, help="Én JSON-linje pr. dokument (skemaet i README; også guldformatet)."
)
@click.option(
    "--reference",
    "data_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Mappe med reference/ (standard: den indlejrede data/).",
)
def extract(files: tuple[Path, ...], as_json: bool, data_root: Path | None) -> None:
    """Udtræk møde, deltagere, punkter, indstillinger, beslutninger, organisationer og beløb af referater."""
    import json

    from .build import DEFAULT_DATA, reference_folder
    from .pipeline import extract_linked
    from .read import display_path
    from .registry import load_registry
    from .workers import run_limited

    registry = load_registry(reference_folder(data_root or DEFAULT_DATA))
    failed = 0
    # each file in a worker with a time and memory limit: one that fails or stalls is named, the others go on
    for path, (ok, extraction) in zip(files, run_limited(lambda p: extract_linked(p, registry), files), strict=True):
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
    console.print(
        f"Møde: [bold]{m.forum or '?'}[/] ({m.body or 'ukendt organ'}), {m.date or 'ukendt dato'}"
        f"{' kl. ' + m.start if m.start else ''}{', ' + m.place if m.place else ''}",
        highlight=False,
    )
    present = [p.name for p in ex.participants if p.present]
    absent = [p.name for p in ex.participants if not p.present]
    console.print(f"Deltagere ({len(present)}): {', '.join(present) or '-'}", highlight=False)
    if absent:
        console.print(f"Afbud ({len(absent)}): {', '.join(absent)}", highlight=False)
    rows = []
    for item in ex.items:
        lines = [f"{r.number}. {r.text[:70]}" for r in item.recommendations]
        lines += [
            f"→ {d.outcome}{' (indst. ' + str(d.recommendation) + ')' if d.recommendation else ''}: {d.text[:60]}"
            for d in item.decisions
        ]
        rows.append([item.number or "", item.title[:60], item.kind, "\n".join(lines)])
    console.print(fitted_table(None, ["Pkt.", "Titel", "Type", "Indstillinger → beslutninger"], rows))
    linked = sorted({o.id for o in ex.organisations if o.id})
    console.print(
        f"Organisationer koblet til registret: {len(linked)}; nævnt i alt: {len(ex.organisations)}; "
        f"initiativer: {len({i.id for i in ex.initiatives})}; beløb: {len(ex.amounts)}",
        highlight=False,
    )
    for warning in ex.warnings:
        console.print(f"[yellow]Advarsel:[/] {warning}", highlight=False)


@main.command()
@click.option("--portal", default=None, help="Portalens adresse, fx https://dagsordener.greve.dk.")
@click.option(
    "--organisation",
    default=None,
    help="Vælg portalen (og for et sundhedsråd udvalget) efter navn: en kommune, en region eller et sundhedsråd.",
)
@click.option("--list", "list_only", is_flag=True, help="Vis portalens udvalg og antal møder, og hent intet.")
@click.option(
    "--committee", "committees", multiple=True, help="Et udvalg (navn eller id); kan gentages. Standard: alle."
)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Kun møder fra denne dato (ÅÅÅÅ-MM-DD)."
)
@click.option(
    "--minutes",
    "minutes_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("referater"),
    show_default=True,
    help="Mappen med referater, som build læser.",
)
@click.option(
    "--delay", type=float, default=1.0, show_default=True, help="Sekunder mellem to forespørgsler til samme portal."
)
@click.option("--timeout", "timeout_s", type=float, default=30.0, show_default=True, help="Sekunder et svar må tage.")
@click.option(
    "--retries", type=int, default=4, show_default=True, help="Forsøg igen ved 429, 5xx og afbrudt forbindelse."
)
@click.option(
    "--reference",
    "data_root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Mappe med reference/ (standard: den indlejrede data/).",
)
def harvest(
    portal: str | None,
    organisation: str | None,
    list_only: bool,
    committees: tuple[str, ...],
    since,
    minutes_dir: Path,
    delay: float,
    timeout_s: float,
    retries: int,
    data_root: Path | None,
) -> None:
    """Hent møder fra en FirstAgenda-portal ind i mappen med referater; kun nye og ændrede, til build bagefter."""
    from rich.text import Text

    from .build import DEFAULT_DATA, reference_folder
    from .harvest import Client, HarvestError, harvest as run_harvest, list_committees, resolve_organisation
    from .registry import load_registry

    def say(target: Console, text: str, style: str = "") -> None:  # portal text is plain text, never markup
        target.print(Text(text, style=style), highlight=False, soft_wrap=True)

    if bool(portal) == bool(organisation):
        raise click.UsageError("angiv enten --portal eller --organisation")
    client = Client(delay=delay, timeout=timeout_s, retries=retries)
    try:
        if organisation:
            reference = reference_folder(data_root or DEFAULT_DATA)
            entry = resolve_organisation(organisation, load_registry(reference), reference)
            portal = entry.portal
            if entry.committee_id and not committees:
                committees = (entry.committee_id,)
            say(console, f"{entry.organisation}: {portal} (sikkerhed {entry.confidence}; kilde: {entry.source})")
        assert portal is not None
        if list_only:
            rows = [
                [Text(committee.group or ""), Text(committee.name), committee.id, str(len(committee.meetings))]
                for committee in list_committees(client, portal)
            ]
            console.print(
                fitted_table(f"Udvalg på {portal}", ["Gruppe", "Udvalg", "Id", "Møder"], rows, right={"Møder"})
            )
            return
        with console.status("Henter ...") as status:
            report = run_harvest(
                portal,
                minutes_dir,
                list(committees),
                since.date() if since else None,
                client,
                progress=lambda text: status.update(Text(f"Henter {text}")),
            )
    except HarvestError as exc:
        say(err_console, str(exc), "red")
        sys.exit(1)
    say(
        console,
        f"{len(report.fetched)} møde(r) hentet (nye eller ændrede), {report.unchanged} uændrede, "
        f"{report.skipped} endelige sprunget over -> {minutes_dir}",
    )
    for where, message in report.failed:
        say(err_console, f"{where}: {message}", "red")
    if report.failed:
        say(
            err_console,
            f"{len(report.failed)} møde(r) kunne ikke hentes; kør harvest igen (hentede møder hentes ikke igen)",
            "bold red",
        )
        sys.exit(1)


@main.command()
@click.option(
    "--gold",
    "gold_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Mappe med guldannoteringer (standard: data/gold/).",
)
@click.option(
    "--minutes",
    "minutes_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Mappe med eksempelreferaterne (standard: data/minutes/).",
)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Mappe med de rigtige referater, som guldet i data/gold/corpus/ hører til (standard: ../shared/corpus/).",
)
@click.option("--publisher", default=None, help="Kun referater fra denne udgiver (fx 'Region Syddanmark').")
@click.option("--errors", is_flag=True, help="Vis hver afvigelse fra guldet (ikke for tilbageholdte referater).")
def evaluate(
    gold_dir: Path | None, minutes_dir: Path | None, corpus_dir: Path | None, publisher: str | None, errors: bool
) -> None:
    """Mål udtrækket mod guldannoteringer: præcision, genkaldelse og F1 pr. faktatype, pr. samling og pr. udgiver."""
    from .build import DEFAULT_DATA, reference_folder
    from .evaluate import COLLECTIONS, evaluate as run_evaluate
    from .registry import load_registry

    registry = load_registry(reference_folder(DEFAULT_DATA))
    result = run_evaluate(
        gold_dir or DEFAULT_DATA / "gold", minutes_dir or DEFAULT_DATA / "minutes", registry, corpus_dir
    )
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
        err_console.print(
            f"{len(result.missing)} guldfil(er) er sprunget over: referatet findes ikke (mangler ../shared/corpus?)",
            style="yellow",
            highlight=False,
        )
    if errors:
        for doc in result.documents:
            if doc.collection != "test":  # held back: look at the score, not at the errors
                for error in doc.errors:
                    console.print(f"{doc.document}: {error}", markup=False, highlight=False, soft_wrap=True)


def _print_scores(result, title: str) -> None:
    from .evaluate import PRECISION_TARGETS, TARGETS

    headers = ["Faktatype", "Præcision", "Genkaldelse", "F1", "Mål", "TP", "FP", "FN"]
    met = result.meets_targets()
    rows = []
    for fact_type, target in [*TARGETS.items(), *PRECISION_TARGETS.items()]:
        s = result.total(fact_type)
        measure = "P" if fact_type in PRECISION_TARGETS else "F1"
        mark = "[green]✓[/]" if met[fact_type] else "[red]✗[/]"
        rows.append(
            [
                fact_type,
                f"{s.precision:.3f}",
                f"{s.recall:.3f}",
                f"{s.f1:.3f}",
                f"{measure} {target:.2f} {mark}",
                str(s.tp),
                str(s.fp),
                str(s.fn),
            ]
        )
    console.print(fitted_table(title, headers, rows, right=set(headers[1:])))
    console.print(
        f"Punkttype korrekt: {result.accuracy('kind'):.3f}; deltagerrolle korrekt: {result.accuracy('role'):.3f}; "
        f"sagsgang (rute) korrekt: {result.accuracy('route'):.3f}"
    )


def _print_publishers(result) -> None:
    """F1 per publisher and fact type: a weak layout shows by name."""
    from .evaluate import TARGETS

    short = {
        "meeting": "møde",
        "participants": "deltagere",
        "items": "punkter",
        "recommendations": "indstill.",
        "decisions": "beslutn.",
        "organisations": "organis.",
        "amounts": "beløb",
    }
    headers = ["Udgiver", "Dok.", *(short[fact_type] for fact_type in TARGETS)]
    rows = []
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
        rows.append([name + held, str(len(part.documents)), *cells])
    console.print(
        fitted_table("Rigtige referater pr. udgiver (F1; * = tilbageholdt)", headers, rows, right=set(headers[1:]))
    )


if __name__ == "__main__":
    main()
