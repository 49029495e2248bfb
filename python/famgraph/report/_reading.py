"""One paragraph per indicator in plain language, generated from the published (suppressed) numbers.

The wording is careful and non-causal: every paragraph says what was counted, in which direction
the numbers point when the interval allows it, and why recorded data cannot show cause. Values
that are suppressed appear as the marker (``<10``), exactly as in the tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import _rules, disclosure
from ..indicators import registry as _registry
from ..plot._style import ResultLike, label
from . import _format as F


class _Numbers:
    """Formatted access to one published table: values, or the marker when suppressed."""

    def __init__(self, frame: pd.DataFrame | None, lang: str, min_cell: int) -> None:
        self.frame = frame if frame is not None else pd.DataFrame()
        self.lang = lang
        self.marker = disclosure.marker(min_cell)

    def row(self, **keys: Any) -> int | None:
        """Index (position) of the first row matching every key column, or None."""
        if len(self.frame) == 0:
            return None
        mask = np.ones(len(self.frame), dtype=bool)
        for col, value in keys.items():
            if col not in self.frame.columns:
                return None
            mask &= (self.frame[col].astype(str) == str(value)).to_numpy()
        hits = np.flatnonzero(mask)
        return int(hits[0]) if len(hits) else None

    def raw(self, i: int | None, col: str) -> float | None:
        """The number, or None when the row/column is absent, suppressed or missing."""
        if i is None or col not in self.frame.columns or self.suppressed(i, col):
            return None
        v = pd.to_numeric(pd.Series([self.frame[col].iloc[i]]), errors="coerce").iloc[0]
        return None if pd.isna(v) else float(v)

    def suppressed(self, i: int | None, col: str) -> bool:
        flag = f"{col}_suppressed"
        return i is not None and flag in self.frame.columns and bool(self.frame[flag].iloc[i])

    def _fmt(self, i: int | None, col: str, fn: Callable[[float, str], str]) -> str:
        if self.suppressed(i, col):
            return self.marker
        v = self.raw(i, col)
        return F.NA if v is None else fn(v, self.lang)

    def count(self, i: int | None, col: str) -> str:
        return self._fmt(i, col, F.count)

    def pct(self, i: int | None, col: str) -> str:
        return self._fmt(i, col, F.percent)

    def num(self, i: int | None, col: str) -> str:
        return self._fmt(i, col, F.number)

    def ci(self, i: int | None, col: str, lower: str, upper: str, fn: Callable[[float, str], str]) -> str:
        """``est (lo–hi)`` or the marker."""
        if self.suppressed(i, col):
            return self.marker
        est = self.raw(i, col)
        if est is None:
            return F.NA
        lo, hi = self.raw(i, lower), self.raw(i, upper)
        if lo is None or hi is None:
            return fn(est, self.lang)
        return f"{fn(est, self.lang)} {F.interval(fn(lo, self.lang), fn(hi, self.lang))}"


def _join(items: Sequence[str], lang: str) -> str:
    word = " of " if lang == "nl" else " or "
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + word + items[-1]


def _direction(lo: float | None, hi: float | None, texts: tuple[str, str, str]) -> str:
    """Above / below / unclear, judged only by whether the interval excludes 1."""
    if lo is not None and lo > 1:
        return texts[0]
    if hi is not None and hi < 1:
        return texts[1]
    return texts[2]


def _level(result: ResultLike) -> str:
    level = float(result.parameters.get("level", 0.95))
    return f"{level * 100:.0f}%"


# ---- the verdict (docs/estimands.md) ---------------------------------------------------------------

_VERDICT_WORD = {
    "en": {
        "estimable": "estimable",
        "imprecise": "imprecise",
        "not estimable in this window": "not estimable in this window",
    },
    "nl": {
        "estimable": "schatbaar",
        "imprecise": "onnauwkeurig",
        "not estimable in this window": "niet schatbaar in dit venster",
    },
}


def verdict_word(verdict: str, lang: str) -> str:
    return _VERDICT_WORD[lang].get(verdict, verdict)


def _verdict_reason_nl(rule: int, reason: str, ages: pd.DataFrame | None) -> str:
    """The Dutch sentence of a verdict rule; the numbers come from the published ages table."""
    oldest = median = q1 = None
    if ages is not None and len(ages):
        oldest = int(ages["oldest_eligible_age"].iloc[0])
        median = ages["age_median"].iloc[0]
        q1 = ages["age_q1"].iloc[0]
    if rule == 1:
        return (
            "geen geboortejaargroep heeft zowel blootgestelde als niet-blootgestelde personen "
            "met een uitkomst"
        )
    if rule == 2 and oldest is not None and median is not None and q1 is not None and not pd.isna(median):
        return (
            f"de personen die in aanmerking komen zijn aan het eind van het venster hooguit {oldest}; "
            f"plegerschap wordt in deze gegevens voor het eerst geregistreerd op een mediane leeftijd van "
            f"{round(float(median))} (een kwart ervan vóór {round(float(q1))})"
        )
    if rule == 3:
        if "disclosure" in reason:
            return (
                "de gematchte schatting wordt door de onthullingsbeheersing achtergehouden "
                "(te weinig personen)"
            )
        return "te weinig uitkomsten in de geboortejaargroepen die vergeleken kunnen worden"
    if rule == 4 and oldest is not None and median is not None and not pd.isna(median):
        return (
            f"het venster toont alleen het begin van het volwassen leven: de personen zijn hooguit {oldest}, "
            f"jonger dan de mediane leeftijd van {round(float(median))} waarop plegerschap voor het eerst "
            "wordt geregistreerd"
        )
    if rule == 5:
        return "weinig uitkomsten in de geboortejaargroepen die vergeleken kunnen worden"
    if rule == 6:
        return "het interval van de gematchte odds ratio is breder dan een factor 4"
    return reason


def verdict_sentence(
    verdict: str, rule: int, reason: str, lang: str, ages: pd.DataFrame | None = None
) -> str:
    """ "What this window can show: <verdict> — <reason>." in the report's language."""
    word = verdict_word(verdict, lang)
    why = reason if lang == "en" else _verdict_reason_nl(rule, reason, ages)
    lead = {"en": "What this window can show", "nl": "Wat dit venster kan laten zien"}[lang]
    return f"{lead}: {word}" + (f" — {why}." if why else ".")


def _verdict_of(r: ResultLike) -> tuple[str, int, str] | None:
    v = r.tables.get("verdict")
    if v is None or len(v) == 0:
        return None
    return str(v["verdict"].iloc[0]), int(v["rule"].iloc[0]), str(v["reason"].iloc[0])


def _matched_text(r: ResultLike, lang: str, which: int = 0) -> str | None:
    """``OR (lo–hi)`` of row ``which`` of the matched table, or None when withheld."""
    m = r.tables.get("matched")
    if m is None or len(m) <= which:
        return None
    mm = _Numbers(m, lang, int(r.parameters.get("min_cell", 10)))
    if mm.raw(which, "estimate") is None:
        return None
    return mm.ci(which, "estimate", "lower", "upper", F.number)


_CAVEAT = {
    "en": {
        "victim_to_perpetrator": "an association in recorded data, not evidence that exposure causes "
        "perpetration",
        "adjusted_association": "matched within birth cohorts; other family differences and detection "
        "bias remain",
        "recurrence_risk": "relatives share households and the attention of the same organisations",
        "repeat_incidents": "a repeat is a recorded repeat; unreported incidents are not seen",
        "gif": "relatedness of recorded cases, not heredity",
        "fir": "relatedness of recorded cases, not heredity",
        "early_signalling": "a prior contact is not a missed signal by itself",
    },
    "nl": {
        "victim_to_perpetrator": "een samenhang in geregistreerde gegevens, geen bewijs dat "
        "blootstelling plegerschap veroorzaakt",
        "adjusted_association": "gematcht binnen geboortejaren; andere verschillen tussen gezinnen en "
        "detectiebias blijven",
        "recurrence_risk": "familieleden delen een huishouden en de aandacht van dezelfde organisaties",
        "repeat_incidents": "een herhaling is een geregistreerde herhaling; niet gemelde incidenten "
        "zijn onzichtbaar",
        "gif": "verwantschap van geregistreerde gevallen, geen erfelijkheid",
        "fir": "verwantschap van geregistreerde gevallen, geen erfelijkheid",
        "early_signalling": "een eerder contact is op zichzelf geen gemist signaal",
    },
}


def key_number(r: ResultLike, lang: str) -> str | None:
    """The one number of an estimable result for the executive summary, with its interval."""
    m = int(r.parameters.get("min_cell", 10))
    which = 2 if r.name == "adjusted_association" else 0
    est = _matched_text(r, lang, which)
    if est is not None:
        word = {"en": "matched odds ratio", "nl": "gematchte odds ratio"}[lang]
        return f"{word} {est}"
    n = _Numbers(r.table, lang, m)
    if r.name == "recurrence_risk":
        i = n.row(relation="full_sibling")
        i = i if i is not None and n.raw(i, "lambda") is not None else None
        if i is None:
            return None
        rel = label("relation", "full_sibling", lang)
        return f"λ_R ({rel}) {n.ci(i, 'lambda', 'lambda_lower', 'lambda_upper', F.number)}"
    if r.name == "repeat_incidents":
        i = n.row(unit="person")
        if n.raw(i, "share") is None:
            return None
        word = {"en": "persons with a repeat incident", "nl": "personen met een herhaald incident"}[lang]
        return f"{word}: {n.ci(i, 'share', 'share_lower', 'share_upper', F.percent)}"
    if r.name == "gif":
        if n.raw(0, "gif") is None:
            return None
        return f"GIF {n.num(0, 'gif')} ({F.p_value(n.raw(0, 'p_value') or 1.0, lang)})"
    return None


#: The rows of the transmission table the executive summary reads, in order of preference.
_TRANSMISSION_QUESTIONS = (
    ("parent", "victim", "perpetrator"),
    ("grandparent", "victim", "perpetrator"),
    ("parent", "perpetrator", "perpetrator"),
    ("parent", "victim", "victim"),
)


def _table_row_finding(r: ResultLike, lang: str) -> tuple[str, str, str] | None:
    """The transmission table or the continuation of chains in the executive summary: its
    strongest estimable matched odds ratio, or — when no row is estimable — a limit."""
    f = r.table if r.name == "relative_exposure" else r.tables.get("continuation")
    if f is None or len(f) == 0 or "verdict" not in f.columns:
        return None
    n = _Numbers(f, lang, int(r.parameters.get("min_cell", 10)))
    ok = [
        i for i in range(len(f)) if str(f["verdict"].iloc[i]) == "estimable" and n.raw(i, "or_mh") is not None
    ]
    if not ok:
        verdicts = sorted(set(f["verdict"].astype(str)))
        word = verdict_word(
            "not estimable in this window" if "not estimable in this window" in verdicts else verdicts[0],
            lang,
        )
        why = (
            {
                "en": "no row has enough outcomes in birth cohorts that can be compared",
                "nl": "geen rij heeft genoeg uitkomsten in vergelijkbare geboortejaargroepen",
            }[lang]
            if r.name == "relative_exposure"
            else str(f["verdict_reason"].iloc[0])
        )
        return "limit", word, why
    if r.name == "relative_exposure":
        # The intergenerational question ("today's perpetrator is yesterday's victim"), in a fixed
        # order — never the largest ratio, which is a partner pair sharing one incident.
        keyed = {
            (str(f["relation"].iloc[i]), str(f["relative_role"].iloc[i]), str(f["proband_role"].iloc[i])): i
            for i in ok
        }
        order = [k for k in _TRANSMISSION_QUESTIONS if k in keyed]
        if not order:
            return None
        top = keyed[order[0]]
    else:
        top = ok[0]
    est = n.ci(top, "or_mh", "or_mh_lower", "or_mh_upper", F.number)
    word = {"en": "matched odds ratio", "nl": "gematchte odds ratio"}[lang]
    if r.name == "relative_exposure":
        rel = label("relation", f["relation"].iloc[top], lang)
        rr_ = label("role", f["relative_role"].iloc[top], lang)
        pr = label("role", f["proband_role"].iloc[top], lang)
        what = {"en": f"{rel} {rr_} → person {pr}", "nl": f"{rel} {rr_} → persoon {pr}"}[lang]
        caveat = {
            "en": f"one of {len(ok)} estimable combinations (all in the section); relatives share "
            "households and incidents",
            "nl": (
                f"een van {len(ok)} schatbare combinaties (alle in de paragraaf); familieleden delen "
                "huishoudens en incidenten"
            ),
        }[lang]
        return "finding", f"{what}: {word} {est}", caveat
    caveat = {
        "en": "chains are seen only where both generations' incidents were recorded in the window",
        "nl": (
            "ketens zijn alleen zichtbaar als de incidenten van beide generaties in het venster zijn "
            "geregistreerd"
        ),
    }[lang]
    return "finding", f"{word} {est}", caveat


def executive(
    results: Sequence[tuple[str, str, ResultLike]], lang: str
) -> tuple[list[tuple[str, str, str, str]], list[tuple[str, str, str, str]]]:
    """The report's opening: (findings, limits). A finding is an estimable result with one key
    number — (section id, title, number, one-line caveat), at most six; a limit is a result whose
    verdict is not "estimable" — (section id, title, verdict word, reason)."""
    findings: list[tuple[str, str, str, str]] = []
    limits: list[tuple[str, str, str, str]] = []
    for sid, title, r in results:
        if r.name in ("relative_exposure", "chains"):
            row = _table_row_finding(r, lang)
            if row is not None:
                kind, text, why = row
                if kind == "finding" and len(findings) < 6:
                    findings.append((sid, title, text, why))
                elif kind == "limit":
                    limits.append((sid, title, text, why))
            continue
        v = _verdict_of(r)
        if v is None:
            continue
        verdict, rule, reason = v
        if verdict == "estimable":
            k = key_number(r, lang)
            if k is not None and len(findings) < 6:
                findings.append((sid, title, k, _CAVEAT[lang].get(r.name, "")))
        else:
            sentence = verdict_sentence(verdict, rule, reason, lang, r.tables.get("ages"))
            why = sentence.split(" — ", 1)[1].rstrip(".") if " — " in sentence else ""
            limits.append((sid, title, verdict_word(verdict, lang), why))
    return findings, limits


def headline(r: ResultLike, lang: str) -> tuple[str, str] | None:
    """(verdict word, the sentence that leads the indicator's section): the verdict first, then the
    matched estimate only when the verdict is "estimable"."""
    v = _verdict_of(r)
    if v is None:
        return None
    verdict, rule, reason = v
    text = verdict_sentence(verdict, rule, reason, lang, r.tables.get("ages"))
    which = 2 if r.name == "adjusted_association" else 0
    est = _matched_text(r, lang, which) if verdict == "estimable" else None
    if est is not None:
        text += {
            "en": " Compared within birth year, sex and recorded childhood household, the odds ratio "
            f"is {est}.",
            "nl": (
                " Vergeleken binnen geboortejaar, geslacht en geregistreerd gezin van herkomst is de "
                f"odds ratio {est}."
            ),
        }[lang]
    elif verdict != "estimable":
        text += {
            "en": " The numbers below describe the records; they are not an estimate of an effect.",
            "nl": (
                " De getallen hieronder beschrijven de registraties; ze zijn geen schatting van een effect."
            ),
        }[lang]
    return verdict_word(verdict, lang), text


# ---- one function per indicator ------------------------------------------------------------------


def _victim_to_perpetrator(r: ResultLike, lang: str, n: _Numbers) -> str:
    i = n.row(stratum="overall")
    roles = [
        label("role", x, lang) for x in r.parameters.get("exposure_roles", _rules.DEFAULT_EXPOSURE_ROLES)
    ]
    lvl = _level(r)
    caveat = {
        "en": "This is an association in recorded data, not evidence that exposure causes later "
        "perpetration: "
        "shared family circumstances, and the closer attention paid to families already known to "
        "organisations, can explain part or all of it. For many persons the follow-up after the 18th "
        "birthday within the window is short, and these risks do not account for its length; the "
        "Kaplan–Meier curves, the rates per 1,000 person-years and the Cox model do.",
        "nl": "Dit is een samenhang in geregistreerde gegevens, geen bewijs dat blootstelling later "
        "plegerschap "
        "veroorzaakt: gedeelde gezinsomstandigheden, en de scherpere aandacht voor gezinnen die al bekend "
        "zijn bij organisaties, kunnen dit deels of helemaal verklaren. Voor veel personen is de periode na "
        "de 18e verjaardag binnen het venster kort, en deze risico's houden geen rekening met die lengte; "
        "de Kaplan–Meiercurves, de cijfers per 1.000 persoonsjaren en het Cox-model wel.",
    }[lang]
    if n.suppressed(i, "risk_exposed") or n.suppressed(i, "risk_unexposed"):
        body = {
            "en": f"Of the {n.count(i, 'n')} persons followed from childhood into adulthood, "
            f"{n.count(i, 'n_exposed')} were exposed to violence in childhood (as {_join(roles, lang)}). "
            "Some cells of the comparison with later perpetration are too small to publish, so the risks "
            f"are suppressed ({n.marker}).",
            "nl": f"Van de {n.count(i, 'n')} personen die van de kindertijd tot in de volwassenheid "
            "gevolgd zijn, "
            f"werden er {n.count(i, 'n_exposed')} in hun kindertijd aan geweld blootgesteld (als "
            f"{_join(roles, lang)}). Sommige cellen van de vergelijking met later plegerschap zijn te klein "
            f"om te publiceren; de risico's zijn daarom onderdrukt ({n.marker}).",
        }[lang]
        return f"{body} {caveat}"
    rr = n.ci(i, "risk_ratio", "risk_ratio_lower", "risk_ratio_upper", F.number)
    # The crude risk ratio pools persons of every age: its direction is never read out as a finding
    # (docs/estimands.md, "Why the crude comparison misleads"); the verdict and the matched estimate
    # lead the section instead.
    direction = {
        "en": "This crude comparison pools persons of different ages, whose years of childhood and of "
        "adulthood inside the window differ; the matched estimate compares persons of the same age.",
        "nl": "Deze ruwe vergelijking voegt personen van verschillende leeftijden samen, met verschillend "
        "veel jaren kindertijd en volwassenheid binnen het venster; de gematchte schatting vergelijkt "
        "personen van dezelfde leeftijd.",
    }[lang]
    body = {
        "en": f"Of the {n.count(i, 'n_exposed')} persons exposed to violence in childhood (as "
        f"{_join(roles, lang)}) and followed into adulthood, {n.pct(i, 'risk_exposed')} were later "
        "recorded as "
        f"a perpetrator as an adult, against {n.pct(i, 'risk_unexposed')} of the {n.count(i, 'n_unexposed')} "
        f"persons who were not exposed (crude risk ratio {rr}; {lvl} CI in brackets). {direction}",
        "nl": f"Van de {n.count(i, 'n_exposed')} personen die in hun kindertijd aan geweld werden "
        "blootgesteld "
        f"(als {_join(roles, lang)}) en tot in de volwassenheid gevolgd zijn, werd "
        f"{n.pct(i, 'risk_exposed')} "
        f"later als volwassene geregistreerd als pleger, tegenover {n.pct(i, 'risk_unexposed')} van de "
        f"{n.count(i, 'n_unexposed')} personen die niet werden blootgesteld (ruw relatief risico {rr}; "
        f"{lvl}-BI tussen haakjes). {direction}",
    }[lang]
    return f"{body} {caveat}"


def _relative_exposure(r: ResultLike, lang: str, n: _Numbers) -> str:
    f = n.frame
    total = len(f)
    verdicts = f["verdict"].astype(str).tolist() if "verdict" in f.columns else ["estimable"] * total
    key = "or_mh" if "or_mh" in f.columns else "odds_ratio"
    lo_key, hi_key = (
        (f"{key}_lower", f"{key}_upper") if key == "or_mh" else ("odds_ratio_lower", "odds_ratio_upper")
    )
    estimable = [i for i in range(total) if verdicts[i] == "estimable" and n.raw(i, key) is not None]
    above = sum(1 for i in estimable if (n.raw(i, lo_key) or 0) > 1)
    below = sum(1 for i in estimable if (n.raw(i, hi_key) or math.inf) < 1)
    caveat = {
        "en": "Relatives share households, neighbourhoods and the attention of the same organisations, "
        "and one "
        "incident often involves several family members in different roles (the same incident counts here). "
        "These odds ratios describe how recorded incidents cluster in families, not transmission from one "
        "person to another. They compare persons of the same birth year, sex and recorded childhood "
        "household; the crude odds ratios in the table pool all ages and are not read here.",
        "nl": "Familieleden delen een huishouden, een buurt en de aandacht van dezelfde organisaties, en "
        "bij één "
        "incident zijn vaak meerdere gezinsleden in verschillende rollen betrokken (hetzelfde incident telt "
        "hier mee). Deze odds ratio's beschrijven hoe geregistreerde incidenten zich in families ophopen, "
        "niet overdracht van de ene persoon op de andere. Ze vergelijken personen van hetzelfde "
        "geboortejaar, "
        "geslacht en geregistreerd gezin van herkomst; de ruwe odds ratio's in de tabel voegen alle "
        "leeftijden samen en worden hier niet gelezen.",
    }[lang]
    if not estimable:
        body = {
            "en": f"For none of the {total} combinations of relation and roles can this window give a "
            "matched "
            "estimate (verdict per row in the table).",
            "nl": f"Voor geen van de {total} combinaties van verwantschap en rollen kan dit venster een "
            "gematchte schatting geven (oordeel per rij in de tabel).",
        }[lang]
        return f"{body} {caveat}"
    top = max(estimable, key=lambda i: n.raw(i, key) or 0.0)
    rel = label("relation", f["relation"].iloc[top], lang)
    rrole = label("role", f["relative_role"].iloc[top], lang)
    prole = label("role", f["proband_role"].iloc[top], lang)
    orr = n.ci(top, key, lo_key, hi_key, F.number)
    body = {
        "en": f"Of the {total} combinations of relation and roles, {len(estimable)} are estimable in this "
        f"window. For {above} of them the matched odds ratio is clearly above 1 (the whole interval above 1) "
        f"and for {below} clearly below 1. The largest is for a {rel} recorded as {rrole} and the person "
        f"recorded as {prole}: matched odds ratio {orr}.",
        "nl": f"Van de {total} combinaties van verwantschap en rollen zijn er {len(estimable)} schatbaar in "
        f"dit venster. Bij {above} daarvan ligt de gematchte odds ratio duidelijk boven 1 (het hele interval "
        f"boven 1) en bij {below} duidelijk onder 1. De grootste is die voor een {rel} geregistreerd als "
        f"{rrole} en de persoon zelf geregistreerd als {prole}: gematchte odds ratio {orr}.",
    }[lang]
    return f"{body} {caveat}"


def _chains(r: ResultLike, lang: str, n: _Numbers) -> str:
    g1, g2, g3 = (n.count(n.row(measure=m), "count") for m in ("chain_ge1", "chain_ge2", "chain_ge3"))
    cont = _Numbers(r.tables.get("continuation"), lang, int(r.parameters.get("min_cell", 10)))
    j = 0 if len(cont.frame) else None
    body = {
        "en": f"{g1} persons were recorded as a child victim of violence by their own parent (a link between "
        f"two generations). For {g2} of them that parent had in turn been a child victim of their own parent "
        f"(a chain over three generations), and for {g3} the chain reaches four generations.",
        "nl": f"{g1} personen werden als kind geregistreerd als slachtoffer van geweld door hun eigen "
        "ouder (een "
        f"schakel tussen twee generaties). Bij {g2} van hen was die ouder op zijn of haar beurt als kind "
        f"slachtoffer van de eigen ouder (een keten over drie generaties), en bij {g3} reikt de keten over "
        f"vier generaties.",
    }[lang]
    cont_verdict = (
        str(cont.frame["verdict"].iloc[0]) if j is not None and "verdict" in cont.frame.columns else ""
    )
    if j is not None and cont_verdict and cont_verdict != "estimable":
        body += {
            "en": f" Whether victims in a link more often become perpetrators in a link is "
            f"{verdict_word(cont_verdict, lang)}: {cont.frame['verdict_reason'].iloc[0]}.",
            "nl": " Of slachtoffers in een schakel vaker zelf pleger in een schakel worden, is "
            f"{verdict_word(cont_verdict, lang)} in dit venster.",
        }[lang]
    elif j is not None and cont.raw(j, "or_mh") is not None:
        rr = cont.ci(j, "or_mh", "or_mh_lower", "or_mh_upper", F.number)
        body += {
            "en": f" Among persons observed in childhood who later had a child of their own, "
            f"{cont.pct(j, 'risk_exposed')} of those who had been the victim in a link became the "
            "perpetrator "
            f"in a link themselves, against {cont.pct(j, 'risk_unexposed')} of the others (crude); compared "
            f"within birth year, sex and recorded childhood household the odds ratio is {rr}.",
            "nl": " Van de personen die in hun kindertijd zijn waargenomen en later zelf een kind "
            "kregen, werd "
            f"{cont.pct(j, 'risk_exposed')} van wie slachtoffer in een schakel was later zelf pleger in een "
            f"schakel, tegenover {cont.pct(j, 'risk_unexposed')} van de anderen (ruw); vergeleken binnen "
            f"geboortejaar, geslacht en gezin van herkomst is de odds ratio {rr}.",
        }[lang]
    elif j is not None:
        body += {
            "en": f" The continuation table (did link victims later become link perpetrators?) has cells too "
            f"small to publish ({cont.marker}).",
            "nl": " De tabel van de voortzetting (werden slachtoffers in een schakel later zelf pleger?) "
            "heeft "
            f"cellen die te klein zijn om te publiceren ({cont.marker}).",
        }[lang]
    caveat = {
        "en": " Chains are only seen where both generations' incidents fall inside the window and were "
        "recorded, so they are undercounted; a short window shows few long chains.",
        "nl": " Ketens zijn alleen zichtbaar als de incidenten van beide generaties in de periode vallen en "
        "geregistreerd zijn; ze worden dus ondergeteld, en een korte periode laat weinig lange ketens zien.",
    }[lang]
    return body + caveat


def _recurrence_risk(r: ResultLike, lang: str, n: _Numbers) -> str:
    parts = []
    for i in range(len(n.frame)):
        rel = label("relation", n.frame["relation"].iloc[i], lang)
        parts.append(f"{rel}: {n.ci(i, 'lambda', 'lambda_lower', 'lambda_upper', F.number)}")
    listing = "; ".join(parts) if parts else F.NA
    i0 = 0 if len(n.frame) else None
    body = {
        "en": f"{n.count(i0, 'cases')} of the {n.count(i0, 'observed')} observed persons were cases "
        f"(K = {n.pct(i0, 'K')}). The recurrence risk ratio λ_R by relation is {listing}. A value above 1 "
        "means that relatives of cases are cases themselves more often than persons in general: cases "
        "cluster in families.",
        "nl": f"{n.count(i0, 'cases')} van de {n.count(i0, 'observed')} waargenomen personen waren casus "
        f"(K = {n.pct(i0, 'K')}). Het herhalingsrisico λ_R per verwantschap is {listing}. Een waarde boven 1 "
        "betekent dat familieleden van casussen zelf vaker casus zijn dan personen in het algemeen: casussen "
        "hopen zich op in families.",
    }[lang]
    caveat = {
        "en": " Such clustering reflects shared living circumstances and shared recording as much as "
        "anything "
        "passed on between generations, and it says nothing about any particular family.",
        "nl": " Zo'n ophoping weerspiegelt gedeelde leefomstandigheden en gedeelde registratie evengoed "
        "als iets "
        "dat tussen generaties wordt doorgegeven, en zegt niets over een bepaald gezin.",
    }[lang]
    return body + caveat


def _repeat_incidents(r: ResultLike, lang: str, n: _Numbers) -> str:
    T = int(r.parameters.get("T", 365))
    p, f = n.row(unit="person"), n.row(unit="family")
    body = {
        "en": f"Of the {n.count(p, 'n')} persons with a first recorded incident who could be followed for "
        f"{T} "
        f"days, {n.ci(p, 'share', 'share_lower', 'share_upper', F.percent)} had another incident within that "
        "time. For nuclear families the share is "
        f"{n.ci(f, 'share', 'share_lower', 'share_upper', F.percent)} "
        f"(of {n.count(f, 'n')}).",
        "nl": f"Van de {n.count(p, 'n')} personen met een eerste geregistreerd incident die {T} dagen "
        "gevolgd "
        f"konden worden, had {n.ci(p, 'share', 'share_lower', 'share_upper', F.percent)} binnen die tijd nog "
        f"een incident. Voor kerngezinnen is het aandeel "
        f"{n.ci(f, 'share', 'share_lower', 'share_upper', F.percent)} (van {n.count(f, 'n')}).",
    }[lang]
    caveat = {
        "en": " Only recorded incidents count: repeat violence that nobody reported is missed.",
        "nl": " Alleen geregistreerde incidenten tellen: herhaald geweld dat niemand meldde, ontbreekt.",
    }[lang]
    return body + caveat


def _gif(r: ResultLike, lang: str, n: _Numbers) -> str:
    i = 0 if len(n.frame) else None
    p = n.raw(i, "p_value")
    if n.raw(i, "gif") is None:
        return {
            "en": f"The GIF could not be published ({n.marker} or too few cases).",
            "nl": f"De GIF kon niet worden gepubliceerd ({n.marker} of te weinig casussen).",
        }[lang]
    pv = F.p_value(p, lang) if p is not None else F.NA
    body = {
        "en": f"The observed GIF is {n.num(i, 'gif')}, against a mean of {n.num(i, 'mean_sim')} in "
        f"{n.count(i, 'n_sim')} control sets matched on birth decade and sex ({pv}). ",
        "nl": f"De waargenomen GIF is {n.num(i, 'gif')}, tegenover gemiddeld {n.num(i, 'mean_sim')} in "
        f"{n.count(i, 'n_sim')} controlegroepen, gematcht op geboortedecennium en geslacht ({pv}). ",
    }[lang]
    if p is not None and p < 0.05:
        body += {
            "en": "Cases are more closely related to each other than persons of the same birth decades and "
            "sexes drawn at random: they cluster in families.",
            "nl": "Casussen zijn nauwer aan elkaar verwant dan willekeurig getrokken personen van dezelfde "
            "geboortedecennia en hetzelfde geslacht: zij hopen zich op in families.",
        }[lang]
    else:
        body += {
            "en": "Cases are not clearly more closely related to each other than the matched control sets.",
            "nl": "Casussen zijn niet duidelijk nauwer aan elkaar verwant dan de gematchte controlegroepen.",
        }[lang]
    body += {
        "en": " Kinship here only measures closeness in the recorded family tree; it does not separate "
        "shared genes from shared upbringing.",
        "nl": " Verwantschap meet hier alleen de nabijheid in de geregistreerde stamboom; het scheidt "
        "gedeelde "
        "genen niet van een gedeelde opvoeding.",
    }[lang]
    return body


def _fir(r: ResultLike, lang: str, n: _Numbers) -> str:
    c, o = n.row(group="case"), n.row(group="non_case")
    return {
        "en": f"The median FIR among cases is {n.num(c, 'median')} (quartiles {n.num(c, 'q1')} to "
        f"{n.num(c, 'q3')}; mean {n.num(c, 'mean')}), against {n.num(o, 'median')} (quartiles "
        f"{n.num(o, 'q1')} to {n.num(o, 'q3')}; mean {n.num(o, 'mean')}) among other persons. A higher FIR "
        "means more cases among a person's relatives, weighted by kinship. It is shown only as a "
        "distribution over groups; it is not a score for individual families.",
        "nl": f"De mediane FIR onder casussen is {n.num(c, 'median')} (kwartielen {n.num(c, 'q1')} tot "
        f"{n.num(c, 'q3')}; gemiddeld {n.num(c, 'mean')}), tegenover {n.num(o, 'median')} (kwartielen "
        f"{n.num(o, 'q1')} tot {n.num(o, 'q3')}; gemiddeld {n.num(o, 'mean')}) onder overige personen. Een "
        "hogere FIR betekent meer casussen onder de familieleden van een persoon, gewogen naar verwantschap. "
        "Hij wordt alleen als verdeling over groepen getoond; het is geen score voor individuele gezinnen.",
    }[lang]


def _early_signalling(r: ResultLike, lang: str, n: _Numbers) -> str:
    def s(years: int, pop: str) -> str:
        return n.pct(n.row(organisation="all", years=years, population=pop), "share")

    i1 = n.row(organisation="all", years=1, population="first_incidents")
    lead = _Numbers(r.tables.get("lead_time"), lang, int(r.parameters.get("min_cell", 10)))
    j = 0 if len(lead.frame) else None
    body = {
        "en": f"For {s(1, 'first_incidents')} of the {n.count(i1, 'n')} first recorded incidents, the person "
        f"had a contact with one of the organisations in the year before ({s(2, 'first_incidents')} within "
        f"2 years, {s(5, 'first_incidents')} within 5 years). For minors, counting the contacts of a parent "
        f"as well, the shares are {s(1, 'minors_self_or_parent')}, {s(2, 'minors_self_or_parent')} and "
        f"{s(5, 'minors_self_or_parent')}. The median time from the earliest own contact to the first "
        f"incident was {lead.count(j, 'median')} days (quartiles {lead.count(j, 'q1')} to "
        f"{lead.count(j, 'q3')}).",
        "nl": f"Bij {s(1, 'first_incidents')} van de {n.count(i1, 'n')} eerste geregistreerde incidenten "
        "had de "
        f"persoon in het jaar ervoor contact met een van de organisaties ({s(2, 'first_incidents')} binnen "
        f"2 jaar, {s(5, 'first_incidents')} binnen 5 jaar). Voor minderjarigen, als ook de contacten van een "
        f"ouder meetellen, zijn de aandelen {s(1, 'minors_self_or_parent')}, "
        f"{s(2, 'minors_self_or_parent')} en {s(5, 'minors_self_or_parent')}. De mediane tijd van het "
        f"vroegste eigen contact tot het eerste incident was {lead.count(j, 'median')} dagen (kwartielen "
        f"{lead.count(j, 'q1')} tot {lead.count(j, 'q3')}).",
    }[lang]
    caveat = {
        "en": " Only contacts with the participating organisations count. A contact is a moment at which "
        "something could have been noticed, not evidence that the incident could have been prevented.",
        "nl": " Alleen contacten met de deelnemende organisaties tellen. Een contact is een moment waarop "
        "iets "
        "opgemerkt had kunnen worden, geen bewijs dat het incident voorkomen had kunnen worden.",
    }[lang]
    return body + caveat


def _agency_overlap(r: ResultLike, lang: str, n: _Numbers) -> str:
    known = _Numbers(r.tables.get("known"), lang, int(r.parameters.get("min_cell", 10)))
    p, f = known.row(unit="person"), known.row(unit="family")
    persons = n.frame[n.frame["unit"] == "person"] if "unit" in n.frame.columns else n.frame
    top = ""
    if len(persons) and "count" in persons.columns:
        vals = pd.to_numeric(persons["count"], errors="coerce")
        if vals.notna().any():
            k = int(np.nanargmax(vals.to_numpy(dtype=float)))
            combo = str(persons["combination"].iloc[k]).replace("+", " + ")
            top = {
                "en": f" The most common combination is {combo} ({F.count(float(vals.iloc[k]), lang)} "
                "persons).",
                "nl": f" De meest voorkomende combinatie is {combo} ({F.count(float(vals.iloc[k]), lang)} "
                "personen).",
            }[lang]
    share_p = known.ci(p, "share", "share_lower", "share_upper", F.percent)
    share_f = known.ci(f, "share", "share_lower", "share_upper", F.percent)
    body = {
        "en": f"Of the {known.count(p, 'known_1plus')} persons known to at least one organisation, {share_p} "
        f"were known to two or more. For nuclear families the share is {share_f}.{top}",
        "nl": f"Van de {known.count(p, 'known_1plus')} personen die bij minstens één organisatie bekend "
        "zijn, "
        f"was {share_p} bij twee of meer bekend. Voor kerngezinnen is het aandeel {share_f}.{top}",
    }[lang]
    caveat = {
        "en": " Being known to several organisations can mean more serious problems, or simply more routes "
        "by which problems are reported.",
        "nl": " Bekend zijn bij meerdere organisaties kan wijzen op ernstiger problemen, of alleen op "
        "meer wegen "
        "waarlangs problemen gemeld worden.",
    }[lang]
    return body + caveat


def _adjusted_association(r: ResultLike, lang: str, n: _Numbers) -> str:
    clr = _matched_text(r, lang, 2)
    i = n.row(term="exposed")
    logit = (
        n.ci(i, "odds_ratio", "lower", "upper", F.number)
        if i is not None and n.raw(i, "odds_ratio") is not None
        else None
    )
    if clr is None and logit is None:
        note = str(getattr(r, "note", "") or "").removeprefix("not published: ").strip()
        return {
            "en": "The adjusted model was not published" + (f": {note}." if note else "."),
            "nl": "Het gecorrigeerde model is niet gepubliceerd"
            + (": de ruwe 2×2-tabel heeft een onderdrukte cel." if "suppressed" in note else "."),
        }[lang]
    parts = []
    if clr is not None:
        parts.append(
            {
                "en": "Conditional logistic regression within strata of birth year, sex and recorded "
                "childhood "
                f"household gives an odds ratio of {clr} for adult perpetration after childhood exposure.",
                "nl": f"Conditionele logistische regressie binnen strata van geboortejaar, geslacht en "
                f"geregistreerd gezin van herkomst geeft een odds ratio van {clr} voor plegerschap als "
                "volwassene na blootstelling in de kindertijd.",
            }[lang]
        )
    if logit is not None:
        parts.append(
            {
                "en": f"The unconditional model with sex and birth decade gives {logit}; it compares persons "
                "of different ages within a decade and is shown for comparison only.",
                "nl": f"Het onvoorwaardelijke model met geslacht en geboortedecennium geeft {logit}; het "
                "vergelijkt personen van verschillende leeftijden binnen een decennium en staat er "
                "alleen ter "
                "vergelijking.",
            }[lang]
        )
    parts.append(
        {
            "en": "Adjustment does not remove the other differences between families, nor detection bias: "
            "this remains an association, not an effect.",
            "nl": "Correctie neemt de andere verschillen tussen gezinnen en de detectiebias niet weg: dit "
            "blijft een samenhang, geen effect.",
        }[lang]
    )
    return " ".join(parts)


#: The paragraph of each indicator, from the registry (famgraph.indicators.registry).
_READINGS: dict[str, Callable[[ResultLike, str, _Numbers], str]] = {
    e.name: fn for e in _registry.REGISTRY if (fn := e.function("reading")) is not None
}


def reading(result: ResultLike, lang: str) -> str:
    """The plain-language paragraph for one result ("" for an indicator without one)."""
    fn = _READINGS.get(result.name)
    if fn is None:
        return ""
    min_cell = int(result.parameters.get("min_cell", disclosure.DEFAULT_MIN_CELL))
    return fn(result, lang, _Numbers(result.table, lang, min_cell))
