"""Titles, axis labels and legend texts of the plots, in English and Dutch.

Keys ``<kind>.<value>`` translate data values (roles, relations, sexes, units, groups); every
other key is a text with optional ``{fields}``.
"""

from __future__ import annotations

from typing import Final

_EN: Final[dict[str, str]] = {
    # ---- common
    "no_data": "No data to show",
    "empty_result": "No eligible persons: nothing to show.",
    "not_published": "Nothing published for this indicator.",
    "all_suppressed": "Every value is suppressed by disclosure control (counts below {m}).",
    "ci": "{level} CI",
    "persons": "Persons",
    "count": "Count",
    "share": "Share",
    "suppressed_note": "{marker}: suppressed by disclosure control, not plotted",
    "undefined": "undefined",
    # ---- data values
    "role.victim": "victim",
    "role.perpetrator": "perpetrator",
    "role.witness": "witness",
    "role.other": "other",
    "sex.F": "female",
    "sex.M": "male",
    "sex.U": "unknown",
    "relation.parent": "parent",
    "relation.child": "child",
    "relation.grandparent": "grandparent",
    "relation.grandchild": "grandchild",
    "relation.full_sibling": "full sibling",
    "relation.half_sibling": "half sibling",
    "relation.aunt_uncle": "aunt/uncle",
    "relation.niece_nephew": "niece/nephew",
    "relation.first_cousin": "first cousin",
    "relation.partner": "partner",
    "unit.person": "persons",
    "unit.family": "nuclear families",
    "group.exposed": "exposed in childhood",
    "group.unexposed": "not exposed",
    "group.case": "cases",
    "group.non_case": "non-cases",
    "population.first_incidents": "own contacts",
    "population.minors_self_or_parent": "minors: own or a parent's contacts",
    "organisation.all": "any organisation",
    "term.exposed": "exposed in childhood",
    "kind.child_maltreatment": "child maltreatment",
    "kind.partner_violence": "partner violence",
    "kind.elder_abuse": "elder abuse",
    "term.intercept": "intercept",
    # ---- Kaplan–Meier
    "km.title": "Adult perpetration after childhood exposure",
    "km.xlabel": "Years since the 18th birthday",
    "km.ylabel": "Cumulative incidence of first perpetration",
    "km.logrank": "log-rank test: {p}",
    "km.group_suppressed": "{group}: suppressed",
    # ---- chains
    "chains.title": "Intergenerational chains of parent-to-child violence",
    "chains.stage1": "≥ 1 link\n(2 generations)",
    "chains.stage2": "≥ 2 links\n(3 generations)",
    "chains.stage3": "≥ 3 links\n(4 generations)",
    "chains.ylabel": "Persons at the end of a chain",
    "chains.links": "parent→child links in total: {links}",
    # ---- UpSet
    "upset.title": "Multi-agency overlap: {unit} per exact combination of organisations",
    "upset.ylabel": "Count",
    "upset.more": "{n} more combinations not shown",
    # ---- forest
    "forest.title": "Transmission table: {measure} by relation and roles",
    "forest.xlabel": "{measure} ({level} CI, log scale)",
    "forest.row": "{relation} {relative_role} → {proband_role}",
    "forest.ylabel": "relative's role → person's own role",
    "measure.odds_ratio": "odds ratio",
    "measure.risk_ratio": "risk ratio",
    # ---- recurrence
    "recurrence.title": "Family recurrence risk λ_R by relation",
    "recurrence.ylabel": "λ_R ({level} bootstrap CI)",
    "recurrence.xlabel": "Relation of the relative to the case",
    # ---- repeat incidents
    "repeat.title": "Repeat incidents within {T} days of the first",
    "repeat.ylabel": "Share with a repeat incident",
    # ---- GIF
    "gif.title": "Genealogical index of familiality (GIF)",
    "gif.xlabel": "GIF (10⁵ × mean kinship of case pairs)",
    "gif.ylabel": "Control sets",
    "gif.observed": "observed GIF = {gif} ({p})",
    "gif.null": "matched control sets (n = {n})",
    # ---- FIR
    "fir.title": "Familial incidence rate (FIR)",
    "fir.ylabel": "FIR (median and quartiles)",
    "fir.median": "median",
    "fir.mean": "mean",
    # ---- early signalling
    "early.title": "Early signalling: first incidents preceded by a contact",
    "early.panel_all": "Any organisation",
    "early.panel_org": "Per organisation (own contacts)",
    "early.xlabel": "Look-back period (years)",
    "early.ylabel": "Share of first incidents",
    "early.years": "within {n} years",
    "early.years_one": "within 1 year",
    # ---- adjusted association
    "adjusted.title": "Adjusted association (logistic regression)",
    "adjusted.xlabel": "Odds ratio ({level} Wald CI, log scale)",
    # ---- population pyramid
    "pyramid.title": "Persons by sex and age on {date}",
    "pyramid.xlabel": "Persons",
    "pyramid.ylabel": "Age (years)",
    "pyramid.note_unknown": "not shown: {u} of unknown sex, {b} without a birth date",
    # ---- pedigree
    "pedigree.title": "Pedigree of one family component ({n} persons)",
    "pedigree.synthetic": "synthetic data",
    "pedigree.note": "Labels are generation and position in this drawing (e.g. II-3), not identifiers. "
    "Roles: incidents in the window {start} to {end}.",
    "pedigree.male": "male",
    "pedigree.female": "female",
    "pedigree.unknown": "sex unknown",
    "pedigree.partners": "partners",
}

_NL: Final[dict[str, str]] = {
    # ---- common
    "no_data": "Geen gegevens om te tonen",
    "empty_result": "Geen personen die aan de voorwaarden voldoen: niets te tonen.",
    "not_published": "Voor deze indicator is niets gepubliceerd.",
    "all_suppressed": "Alle waarden zijn onderdrukt door de onthullingsbeveiliging (aantallen onder {m}).",
    "ci": "{level}-BI",
    "persons": "Personen",
    "count": "Aantal",
    "share": "Aandeel",
    "suppressed_note": "{marker}: onderdrukt door de onthullingsbeveiliging, niet getekend",
    "undefined": "niet gedefinieerd",
    # ---- data values
    "role.victim": "slachtoffer",
    "role.perpetrator": "pleger",
    "role.witness": "getuige",
    "role.other": "anders",
    "sex.F": "vrouw",
    "sex.M": "man",
    "sex.U": "onbekend",
    "relation.parent": "ouder",
    "relation.child": "kind",
    "relation.grandparent": "grootouder",
    "relation.grandchild": "kleinkind",
    "relation.full_sibling": "volle broer/zus",
    "relation.half_sibling": "halfbroer/-zus",
    "relation.aunt_uncle": "tante/oom",
    "relation.niece_nephew": "nicht/neef (kind van broer/zus)",
    "relation.first_cousin": "volle neef/nicht",
    "relation.partner": "partner",
    "unit.person": "personen",
    "unit.family": "kerngezinnen",
    "group.exposed": "blootgesteld in de kindertijd",
    "group.unexposed": "niet blootgesteld",
    "group.case": "casussen",
    "group.non_case": "overige personen",
    "population.first_incidents": "eigen contacten",
    "population.minors_self_or_parent": "minderjarigen: eigen contacten of die van een ouder",
    "organisation.all": "elke organisatie",
    "term.exposed": "blootgesteld in de kindertijd",
    "kind.child_maltreatment": "kindermishandeling",
    "kind.partner_violence": "partnergeweld",
    "kind.elder_abuse": "ouderenmishandeling",
    "term.intercept": "constante",
    # ---- Kaplan–Meier
    "km.title": "Plegerschap als volwassene na blootstelling in de kindertijd",
    "km.xlabel": "Jaren sinds de 18e verjaardag",
    "km.ylabel": "Cumulatieve incidentie van eerste plegerschap",
    "km.logrank": "log-ranktoets: {p}",
    "km.group_suppressed": "{group}: onderdrukt",
    # ---- chains
    "chains.title": "Intergenerationele ketens van geweld van ouder naar kind",
    "chains.stage1": "≥ 1 schakel\n(2 generaties)",
    "chains.stage2": "≥ 2 schakels\n(3 generaties)",
    "chains.stage3": "≥ 3 schakels\n(4 generaties)",
    "chains.ylabel": "Personen aan het eind van een keten",
    "chains.links": "schakels ouder→kind in totaal: {links}",
    # ---- UpSet
    "upset.title": "Bekend bij meerdere organisaties: {unit} per exacte combinatie van organisaties",
    "upset.ylabel": "Aantal",
    "upset.more": "nog {n} combinaties niet getoond",
    # ---- forest
    "forest.title": "Overdrachtstabel: {measure} per verwantschap en rol",
    "forest.xlabel": "{measure} ({level}-BI, logaritmische schaal)",
    "forest.row": "{relation} {relative_role} → {proband_role}",
    "forest.ylabel": "rol van het familielid → eigen rol van de persoon",
    "measure.odds_ratio": "odds ratio",
    "measure.risk_ratio": "relatief risico",
    # ---- recurrence
    "recurrence.title": "Familiaal herhalingsrisico λ_R per verwantschap",
    "recurrence.ylabel": "λ_R ({level}-bootstrap-BI)",
    "recurrence.xlabel": "Verwantschap van het familielid met de casus",
    # ---- repeat incidents
    "repeat.title": "Herhaalde incidenten binnen {T} dagen na het eerste",
    "repeat.ylabel": "Aandeel met een herhaald incident",
    # ---- GIF
    "gif.title": "Genealogische index van familialiteit (GIF)",
    "gif.xlabel": "GIF (10⁵ × gemiddelde verwantschapscoëfficiënt van paren casussen)",
    "gif.ylabel": "Controlegroepen",
    "gif.observed": "waargenomen GIF = {gif} ({p})",
    "gif.null": "gematchte controlegroepen (n = {n})",
    # ---- FIR
    "fir.title": "Familiale incidentieratio (FIR)",
    "fir.ylabel": "FIR (mediaan en kwartielen)",
    "fir.median": "mediaan",
    "fir.mean": "gemiddelde",
    # ---- early signalling
    "early.title": "Vroegsignalering: eerste incidenten met een eerder contact",
    "early.panel_all": "Elke organisatie",
    "early.panel_org": "Per organisatie (eigen contacten)",
    "early.xlabel": "Terugkijkperiode (jaren)",
    "early.ylabel": "Aandeel van de eerste incidenten",
    "early.years": "binnen {n} jaar",
    "early.years_one": "binnen 1 jaar",
    # ---- adjusted association
    "adjusted.title": "Gecorrigeerde samenhang (logistische regressie)",
    "adjusted.xlabel": "Odds ratio ({level}-Wald-BI, logaritmische schaal)",
    # ---- population pyramid
    "pyramid.title": "Personen naar geslacht en leeftijd op {date}",
    "pyramid.xlabel": "Personen",
    "pyramid.ylabel": "Leeftijd (jaren)",
    "pyramid.note_unknown": "niet getoond: {u} met onbekend geslacht, {b} zonder geboortedatum",
    # ---- pedigree
    "pedigree.title": "Stamboom van één familiecomponent ({n} personen)",
    "pedigree.synthetic": "synthetische gegevens",
    "pedigree.note": "Labels geven generatie en positie in deze tekening (bijv. II-3), geen "
    "identificatienummers. "
    "Rollen: incidenten in de periode {start} tot en met {end}.",
    "pedigree.male": "man",
    "pedigree.female": "vrouw",
    "pedigree.unknown": "geslacht onbekend",
    "pedigree.partners": "partners",
}

TEXTS: Final[dict[str, dict[str, str]]] = {"en": _EN, "nl": _NL}
