"""Seeded synthetic minutes at any scale, in the layouts of the sample corpus and the others named in
../shared/DOMAIN.md, drawing forums, organisations, dates and amounts from the reference registry.

    python bench/corpus.py --docs 500 --out /tmp/corpus --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.build import DEFAULT_DATA  # noqa: E402
from graph.danish import long_date  # noqa: E402
from graph.registry import load_registry  # noqa: E402

FIRST = [
    "Anne",
    "Bente",
    "Carsten",
    "Dorte",
    "Erik",
    "Frida",
    "Gitte",
    "Hans",
    "Ida",
    "Jens",
    "Karen",
    "Lars",
    "Mette",
    "Niels",
    "Ole",
    "Pia",
    "Rasmus",
    "Sofie",
    "Torben",
    "Ulla",
    "Vibeke",
    "Anders",
    "Birgit",
    "Christian",
    "Lene",
]
LAST = [
    "Andersen",
    "Berg",
    "Christensen",
    "Dahl",
    "Eriksen",
    "Frandsen",
    "Gregersen",
    "Hansen",
    "Iversen",
    "Jensen",
    "Kjær",
    "Larsen",
    "Madsen",
    "Nielsen",
    "Olsen",
    "Pedersen",
    "Rasmussen",
    "Sørensen",
    "Thomsen",
    "Vestergaard",
]
TITLES = ["Direktør", "Sundhedschef", "Kontorchef", "Kommunaldirektør", "Sygeplejefaglig direktør", "Chefkonsulent"]
TOPICS = [
    "Træning og trivsel for seniorer",
    "Bliv trygt hjemme",
    "Forebyggelse af indlæggelser",
    "Mental sundhed for unge",
    "Tværsektoriel temadag",
    "Styrket afprøvning af FLUS",
    "Lænderyg-indsats",
    "Hjerterehabilitering",
    "Samarbejde om demens",
    "Digital genoptræning",
    "Fælles sprog om skrøbelighed",
    "Overgange mellem sektorer",
]
# a case is one topic in one phase: minutes restate a case a handful of times, not in every meeting for years
PHASES = [
    "",
    "fase 2",
    "2024",
    "2025",
    "udbredelse",
    "evaluering",
    "opfølgning",
    "i nærområdet",
    "for borgere med KOL",
    "pilotprojekt",
]
KINDS = [
    ("Beslutningspunkt", "Godkender"),
    ("Drøftelsespunkt", "Drøfter"),
    ("Orienteringspunkt", "Tager orientering om"),
]
VERDICTS = {
    "Godkender": ["Godkendt.", "Godkendt med den bemærkning, at tidsplanen justeres.", "Ikke godkendt.", "Udsat."],
    "Drøfter": ["Drøftet.", "Punktet blev drøftet."],
    "Tager orientering om": ["Taget til efterretning."],
}


def money(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.randint(1, 40) / 10:.1f}".replace(".", ",") + " mio. kr."
    value = rng.randint(5, 900) * 1000
    return f"{value:,}".replace(",", ".") + " kr."


class Generator:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.registry = load_registry(DEFAULT_DATA / "reference")
        self.clusters = self.registry.by_kind("klynge")

    def case_topic(self) -> str:
        phase = self.rng.choice(PHASES)
        return f"{self.rng.choice(TOPICS)} - {phase}" if phase else self.rng.choice(TOPICS)

    def person(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def context(self):
        cluster = self.rng.choice(self.clusters)
        kommuner = [self.registry.get(k).name for k in cluster.members]
        hospital = self.registry.get(cluster.acute_hospital).name if cluster.acute_hospital else "Sygehuset"
        day = date(2022, 7, 1) + timedelta(days=self.rng.randint(0, 1640))
        return cluster, kommuner, hospital, day

    def items(self, n: int, kommuner: list[str], hospital: str):
        for number in range(1, n + 1):
            kind, verb = self.rng.choice(KINDS)
            topic = self.case_topic()
            recs = [
                f"{verb} {topic.lower()} i {self.rng.choice(kommuner)} Kommune og {hospital}",
                f"{verb} fordeling af {money(self.rng)} til {topic.lower()}",
            ][: self.rng.randint(1, 2)]
            yield number, kind, topic, recs, [self.rng.choice(VERDICTS[verb]) for _ in recs]

    # ---- layouts
    def punkt(self) -> str:
        cluster, kommuner, hospital, day = self.context()
        level = self.rng.choice(["Fagligt strategisk niveau", "Politisk niveau"])
        people = [self.person() for _ in range(self.rng.randint(6, 14))]
        lines = [
            f"REFERAT {cluster.name} - {level} d. {day:%d-%m-%Y}",
            "",
            f"Mødedato {long_date(day)} kl. 14:00",
            "",
            f"Mødested {hospital}, mødelokale {self.rng.randint(1, 9)}",
            "",
            "Punkt 1: Velkomst (kl. 14:00-14:10)",
            "",
            "Deltagere:",
            "",
            ", ".join(people[:-2]),
            "",
            "Afbud:",
            "",
            ", ".join(people[-2:]),
            "",
        ]
        for number, kind, topic, recs, verdicts in self.items(self.rng.randint(4, 12), kommuner, hospital):
            project = f'Projektet "{topic}" er i gang. ' if self.rng.random() < 0.5 else ""
            lines += [
                f"Punkt {number + 1}: {kind}: {topic} (kl. 14:{10 + number:02d} – 14:{11 + number:02d})",
                "",
                "RESUMÉ",
                "",
                f"Sagen handler om {topic.lower()} i {cluster.name}, "
                f"hvor {self.rng.choice(kommuner)} Kommune deltager.",
                "",
                "SAGSFREMSTILLING",
                "",
                project + f"Der er afsat {money(self.rng)} til indsatsen. " * self.rng.randint(1, 4),
                "",
                "INDSTILLING",
                "",
                f"Det indstilles, at {cluster.name} - {level}",
                "",
            ]
            lines += [f"{k}. {rec}" for k, rec in enumerate(recs, start=1)] + ["", "Beslutning", ""]
            if level.startswith("Fagligt") and self.rng.random() < 0.3:  # recommended on to the political level
                lines += ["Anbefales.", "", "Sagen sendes videre til Politisk niveau til beslutning.", ""]
            else:
                lines += [f"{k}. {v}" for k, v in enumerate(verdicts, start=1)] + [""]
        return "\n".join(lines)

    def numbered(self) -> str:
        cluster, kommuner, hospital, day = self.context()
        people = [self.person() for _ in range(self.rng.randint(5, 12))]
        lines = [
            "REFERAT",
            "",
            "Referat fra møde",
            f"Arbejdsgruppen for {self.rng.choice(TOPICS).lower()}",
            "Mødedato",
            long_date(day),
            "Mødetid",
            "Kl. 13-15",
            "Mødested",
            hospital,
            "Deltagere",
            "; ".join(people[1:]),
            "Bemærkninger",
            f"Afbud: {people[0]}",
            "",
            "REFERAT",
            "",
        ]
        for number, _kind, topic, recs, verdicts in self.items(self.rng.randint(3, 9), kommuner, hospital):
            lines += [
                f"{number}. {topic}",
                "",
                f"Indstilling: At gruppen {recs[0][0].lower() + recs[0][1:]}.",
                "",
                f"Sagsfremstilling: {self.rng.choice(kommuner)} Kommune har bedt om en status.",
                "",
                "Referat:",
                "",
                f"{verdicts[0]} Gruppen aftalte at følge op på et senere møde.",
                "",
            ]
        return "\n".join(lines)

    def udvalg(self) -> str:
        cluster, kommuner, hospital, day = self.context()
        kommune = self.rng.choice(kommuner)
        committee = "Sundheds- og Omsorgsudvalget"
        lines = [
            "REFERAT",
            "",
            f"UDVALG: {committee}",
            "MØDE: Ordinært møde",
            f"STED: Rådhuset, {kommune}",
            f"DATO: {long_date(day)} kl. 16.00",
            "",
            "Deltagere:",
        ]
        lines += [
            f"{self.rng.choice(['Rådmand', 'Byrådsmedlem', 'Sundhedschef'])} {self.person()}, {kommune} Kommune"
            for _ in range(4)
        ]
        lines += ["", "Afbud:", f"Byrådsmedlem {self.person()}", ""]
        for number, _kind, topic, recs, verdicts in self.items(self.rng.randint(3, 8), kommuner, hospital):
            lines += [
                f"{number}. {topic}",
                "Sagsfremstilling",
                f"Byrådet har afsat {money(self.rng)} til {topic.lower()}.",
                "Administrationen indstiller, at:",
            ]
            lines += [f"{k}. udvalget {rec[0].lower() + rec[1:]}" for k, rec in enumerate(recs, start=1)]
            lines += [f"Beslutning i {committee} den {long_date(day)}"]
            lines += [f"Ad {k}: {v}" for k, v in enumerate(verdicts, start=1)] + [""]
        return "\n".join(lines)

    def politisk(self) -> str:
        cluster, kommuner, hospital, day = self.context()
        region = self.registry.get(cluster.region).name
        lines = [
            region,
            "Regionsrådet",
            "",
            "DAGSORDEN OG REFERAT",
            "Møde: Regionsrådets møde",
            f"Dato: {long_date(day)}",
            "Tid: kl. 13:00",
            "Sted: Regionshuset",
            "",
        ]
        for number, _kind, topic, recs, verdicts in self.items(self.rng.randint(3, 10), kommuner, hospital):
            lines += [
                f"Punkt {number}. {topic}",
                "Resumé",
                f"Sagen vedrører {hospital} og {topic.lower()}.",
                "Indstilling",
                f"Administrationen indstiller, at regionsrådet {recs[0][0].lower() + recs[0][1:]}.",
                "POLITISK BEHANDLING",
                verdicts[0],
                "",
            ]
        return "\n".join(lines)

    def single(self) -> str:
        cluster, kommuner, hospital, day = self.context()
        topic = self.case_topic()
        lines = [
            f"Chefteamindstilling: {topic}",
            "",
            f"D. {long_date(day)}, Sundhed",
            "",
            "Baggrund:",
            "",
            f"Der foreslås en indsats om {topic.lower()} med {money(self.rng)}.",
            "",
            "Beslutninger:",
            "",
            "Chefteamet beslutter:",
            "",
            f"- At godkende indsatsen {topic}",
            f"- At der nedsættes en styregruppe for {topic.lower()}",
            "",
            "Referat",
            "",
            "Chefteamet besluttede:",
            "",
            f"- At godkende indsatsen {topic}",
            f"- At der nedsættes en styregruppe for {topic.lower()}",
            "",
        ]
        return "\n".join(lines)

    LAYOUTS = ("punkt", "numbered", "udvalg", "politisk", "single")

    def document(self) -> tuple[str, str]:
        layout = self.rng.choices(self.LAYOUTS, weights=(4, 2, 2, 1, 1))[0]
        return layout, getattr(self, layout)()


def generate(docs: int, out: Path, seed: int = 1) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    generator = Generator(seed)
    paths = []
    for number in range(1, docs + 1):
        layout, text = generator.document()
        path = out / f"{number:05d}-{layout}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{len(generate(args.docs, args.out, args.seed))} documents in {args.out}")


if __name__ == "__main__":
    main()
