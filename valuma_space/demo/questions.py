"""The demo's questions in the sections and the invented participants' answers to them.

The study's second phase asks "the regions' interest in networking by themes or operating
models, and their needs for support"; its third shapes the alternatives with the regions. The
questions below ask that, in the sections that say it, and the answers are those of the
discussion's invented stakeholders (demo/discussion.py), as what each of them says there would
have them answer, and of some more invented people who answered without commenting. None of it
comes from the study: the people, their organisations and their answers are made up.

A question's time is `day` and `at` as a comment's is (days after the comment period opened,
"HH:MM" Helsinki time): a moderator added it then, and nobody answered it before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from valuma_space.auth.choices import OrganisationType as Org
from valuma_space.auth.choices import Region
from valuma_space.auth.models import NameDisplay
from valuma_space.demo.discussion import (
    AINO,
    ANTTI,
    EERO,
    HELENA,
    JOHANNA,
    JUSSI,
    KAISA,
    LAURA,
    MARIA,
    MIKKO,
    OLLI,
    PETRI,
    RIIKKA,
    SANNA,
    SATU,
    TIINA,
    TIMO,
    TUOMAS,
    VILLE,
    Stakeholder,
)
from valuma_space.polls.models import QuestionKind, ResultsShown

RESPONDENTS = [
    Stakeholder("henna.rautiainen", "Henna Rautiainen", "Kalliorannan kaupunki", Org.MUNICIPALITY, Region.SATAKUNTA),
    Stakeholder("juha.peltola", "Juha Peltola", "Metsälän kunta", Org.MUNICIPALITY, Region.KAINUU),
    Stakeholder("sari.lampinen", "Sari Lampinen", "Niittylän kaupunki", Org.MUNICIPALITY, Region.ETELA_POHJANMAA),
    Stakeholder("marko.lehto", "Marko Lehto", "Saarelan kunta", Org.MUNICIPALITY, Region.VARSINAIS_SUOMI),
    Stakeholder("paivi.kinnunen", "Päivi Kinnunen", "Vaaralan kaupunki", Org.MUNICIPALITY, Region.POHJOIS_KARJALA),
    Stakeholder("anu.hirvonen", "Anu Hirvonen", "Joenkylän kunta", Org.MUNICIPALITY, Region.ETELA_SAVO),
    Stakeholder("kimmo.savolainen", "Kimmo Savolainen", "Keskimaan liitto", Org.REGIONAL_COUNCIL, Region.KESKI_SUOMI),
    Stakeholder("elina.harju", "Elina Harju", "Rannikkomaakunnan liitto", Org.REGIONAL_COUNCIL, Region.SATAKUNTA),
    Stakeholder("ari.tuominen", "Ari Tuominen", "Itämaan liitto", Org.REGIONAL_COUNCIL, Region.ETELA_KARJALA),
    Stakeholder("noora.kettunen", "Noora Kettunen", "Pohjois-Esimerkin ELY-keskus", Org.ELY_CENTRE, Region.LAPPI),
    Stakeholder("harri.mattila", "Harri Mattila", "Länsi-Esimerkin ELY-keskus", Org.ELY_CENTRE, Region.POHJANMAA),
    Stakeholder("katja.ruotsalainen", "Katja Ruotsalainen", "Sisämaan ELY-keskus", Org.ELY_CENTRE, Region.PIRKANMAA),
    Stakeholder(
        "jarmo.leinonen", "Jarmo Leinonen", "Kaakkois-Esimerkin ELY-keskus", Org.ELY_CENTRE, Region.KYMENLAAKSO,
        name_display=NameDisplay.ORGANISATION,
    ),
    Stakeholder("reetta.hyvonen", "Reetta Hyvönen", "Järviseudun Kehitys Oy", Org.DEVELOPMENT_COMPANY, Region.ETELA_SAVO),
]  # fmt: skip
"""Invented people who answered the questions but did not comment: with them the larger
organisation types have five or more respondents, so that results broken down by type show
figures to participants too (and the smaller ones show "alle 5")."""

HENNA, JUHA, SARI, MARKO = "henna.rautiainen", "juha.peltola", "sari.lampinen", "marko.lehto"
PAIVI, ANU, KIMMO, ELINA = "paivi.kinnunen", "anu.hirvonen", "kimmo.savolainen", "elina.harju"
ARI, NOORA, HARRI = "ari.tuominen", "noora.kettunen", "harri.mattila"
KATJA, JARMO, REETTA = "katja.ruotsalainen", "jarmo.leinonen", "reetta.hyvonen"


@dataclass(frozen=True)
class QuestionData:
    key: str
    section: str
    """The slug of the section it is in."""
    day: int
    at: str
    kind: QuestionKind
    prompt: str
    help_text: str = ""
    options: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    """The rest of services.QuestionInput: max_choices, the scale's ends and labels."""
    required: bool = False
    results_shown: ResultsShown = ResultsShown.AFTER_ANSWERING
    placed_after: str | None = None
    """The start of the paragraph of the section's text after which the question is placed
    (its placeholder line); None: after the text."""
    answers: dict[str, Any] = field(default_factory=dict)
    """Each person's answer by their key: option numbers (1 first, as `options` lists them),
    a scale's point, a ranking's options from the most important, a matrix's column per row, a
    free text. Rate-the-alternatives answers are worked out from the discussion (demo/polls.py),
    for the people in `answers` (value None)."""
    pending: tuple[str, ...] = ()
    """Free-text answers written while the workspace was pre-moderated: they wait."""


# Themes: 1 osaajat, 2 kiertotalous, 3 kaupunki–maaseutu, 4 elinkeinot, 5 logistiikka,
# 6 harvaan asutut ja saaristo, 7 kaupunkiseudut (MAL), 8 menetelmät ja vertaisoppiminen.
THEMES = QuestionData(
    "teemat",
    "vaihe-2-hyvat-kaytannot-ja-haasteet",
    0,
    "09:30",
    QuestionKind.MULTIPLE,
    "Mitkä sisällölliset teemat kiinnostavat teidän aluettanne alueiden välisessä "
    "verkostoyhteistyössä?",
    help_text="Valitse enintään kolme. Vastaa oman organisaatiosi tai alueesi näkökulmasta.",
    options=(
        "Osaajien saatavuus ja houkuttelu",
        "Kiertotalous ja ilmastotyö",
        "Kaupunki–maaseutu-vuorovaikutus",
        "Elinkeinot ja yritysten kansainvälistyminen",
        "Logistiikka ja saavutettavuus",
        "Palvelut harvaan asutuilla alueilla ja saaristossa",
        "Kaupunkiseutujen maankäyttö, asuminen ja liikenne",
        "Kehittämistyön menetelmät ja vertaisoppiminen",
    ),
    settings={"max_choices": 3},
    placed_after="Lisäksi selvitetään alueiden kiinnostus",
    answers={
        AINO: (7, 3, 1), MIKKO: (6, 1, 3), SATU: (1, 4, 8), TIINA: (1, 7, 2), JUSSI: (1, 2, 5),
        OLLI: (5, 6, 8), MARIA: (3, 6, 8), RIIKKA: (1, 6, 4), PETRI: (8, 1, 2), TUOMAS: (8, 2),
        ANTTI: (2, 1, 5), TIMO: (8, 3), EERO: (8, 2, 6), HELENA: (3, 6, 8), KAISA: (6, 5, 3),
        VILLE: (1, 4, 5), JOHANNA: (4, 1, 6), SANNA: (7, 1, 3), LAURA: (8, 3, 2),
        HENNA: (1, 4, 5), JUHA: (6, 1, 5), SARI: (3, 1, 4), MARKO: (6, 5, 2), PAIVI: (1, 3, 6),
        ANU: (6, 3), KIMMO: (1, 2, 8), ELINA: (4, 5, 2), ARI: (5, 4, 1), NOORA: (5, 6, 2),
        HARRI: (4, 1, 2), KATJA: (2, 1, 7), JARMO: (4, 5, 1), REETTA: (1, 4, 2),
    },
)  # fmt: skip

SUPPORT_NEED = QuestionData(
    "tuen-tarve",
    "vaihe-2-hyvat-kaytannot-ja-haasteet",
    0,
    "09:35",
    QuestionKind.SCALE,
    "Kuinka paljon alueenne tarvitsee tukea alueiden väliseen yhteistyöhön?",
    help_text="Tuella tarkoitetaan esimerkiksi rahoitusta, koordinaatiota tai yhteisiä välineitä.",
    settings={"scale_min": 1, "scale_max": 5, "min_label": "Ei lainkaan", "max_label": "Hyvin paljon"},
    answers={
        AINO: 4, MIKKO: 5, SATU: 4, TIINA: 4, JUSSI: 3, OLLI: 4, MARIA: 3, RIIKKA: 3, ANTTI: 4,
        TIMO: 3, HELENA: 5, KAISA: 5, VILLE: 3, JOHANNA: 4, SANNA: 4, LAURA: 3,
        HENNA: 4, JUHA: 5, SARI: 4, MARKO: 5, PAIVI: 5, ANU: 5, KIMMO: 3, ELINA: 3, ARI: 4,
        NOORA: 4, HARRI: 3, KATJA: 2, JARMO: 3, REETTA: 4,
    },
)  # fmt: skip

# Support: 1 koordinaatio, 2 hankerahoitus, 3 etäosallistuminen, 4 verkostopäivät, 5 tieto.
SUPPORT_FORMS = QuestionData(
    "tuen-muodot",
    "vaihe-2-hyvat-kaytannot-ja-haasteet",
    0,
    "09:40",
    QuestionKind.RANKING,
    "Mikä tuki auttaisi alueiden välistä yhteistyötä eniten?",
    help_text="Järjestä vaihtoehdot tärkeimmästä (1) vähiten tärkeään.",
    options=(
        "Koordinaation ja sihteeristön perusrahoitus",
        "Hankerahoitus yhteisiin kehittämishankkeisiin",
        "Etäosallistumisen välineet ja yhteinen verkkoalusta",
        "Vertaisoppimisen tapaamiset ja verkostopäivät",
        "Tieto ja vertailuaineisto, esimerkiksi pohjoismaiset esimerkit",
    ),
    answers={
        AINO: (1, 2, 4, 3, 5), MIKKO: (1, 3, 4, 2, 5), SATU: (1, 4, 2, 3, 5), TIINA: (1, 5, 2, 4, 3),
        JUSSI: (1, 2, 4, 5, 3), OLLI: (3, 1, 4, 2, 5), MARIA: (1, 5, 2, 4, 3), RIIKKA: (3, 1, 2, 4, 5),
        PETRI: (1, 5, 4, 2, 3), ANTTI: (1, 2, 4, 3, 5), TIMO: (4, 5, 1, 3, 2), EERO: (5, 1, 4, 2, 3),
        HELENA: (1, 3, 4, 2, 5), KAISA: (3, 1, 4, 2, 5), VILLE: (2, 1, 4, 5, 3), JOHANNA: (5, 4, 1, 3, 2),
        SANNA: (1, 4, 5, 2, 3), LAURA: (4, 3, 1, 5, 2),
        HENNA: (1, 2, 3, 4, 5), JUHA: (3, 1, 2, 4, 5), SARI: (1, 2, 4, 3, 5), MARKO: (3, 1, 2, 4, 5),
        PAIVI: (1, 3, 2, 4, 5), KIMMO: (1, 2, 5, 4, 3), ELINA: (2, 1, 4, 3, 5), ARI: (1, 2, 3, 5, 4),
        NOORA: (3, 1, 2, 4, 5), HARRI: (2, 1, 5, 4, 3), JARMO: (1, 2, 4, 3, 5), REETTA: (2, 1, 4, 3, 5),
    },
)  # fmt: skip

# Models: 1 foorumi, 2 teemaverkostot, 3 kaksi tasoa, 4 aluetasot, 5 en osaa sanoa.
OPERATING_MODEL = QuestionData(
    "toimintamalli",
    "toimintamalli-verkottumiselle",
    6,
    "11:45",
    QuestionKind.SINGLE,
    "Millainen toimintamalli tukisi parhaiten teidän alueenne verkottumista?",
    help_text="Vaihtoehdot on koottu tämän osion keskustelusta.",
    options=(
        "Kevyt, kaikille avoin yhteistyöfoorumi",
        "Alueiden itse valitsemat, määräaikaiset teemaverkostot",
        "Kaksi tasoa: avoin foorumi ja sen päällä teemaverkostot",
        "Aluetasojen omat verkostot ja niiden yhteinen koordinaatio",
        "En osaa sanoa",
    ),
    required=True,
    placed_after="Millainen toimintamalli tukisi",
    answers={
        AINO: 3, MIKKO: 3, SATU: 2, TIINA: 3, JUSSI: 3, OLLI: 3, MARIA: 4, RIIKKA: 3, PETRI: 2,
        TUOMAS: 1, ANTTI: 2, TIMO: 2, EERO: 5, HELENA: 3, KAISA: 3, VILLE: 2, JOHANNA: 4,
        SANNA: 2, LAURA: 1,
        HENNA: 2, JUHA: 1, SARI: 3, MARKO: 1, PAIVI: 3, ANU: 1, KIMMO: 4, ELINA: 4, ARI: 3,
        NOORA: 3, HARRI: 2, KATJA: 2, JARMO: 4, REETTA: 2,
    },
)  # fmt: skip

# Rows: 1 teemat, 2 rahoitus, 3 koordinaatio, 4 seuranta; columns: 1 kunta … 4 valtakunta.
DECISION_LEVELS = QuestionData(
    "paatostaso",
    "soveltuvuus-eri-alueille",
    14,
    "15:00",
    QuestionKind.MATRIX,
    "Millä aluetasolla seuraavista verkostoyhteistyön asioista pitäisi ensisijaisesti päättää?",
    help_text="Valitse kullekin riville yksi aluetaso.",
    options=("Kunta", "Seutukunta", "Maakunta", "Valtakunta"),
    rows=(
        "Verkostojen teemat ja tavoitteet",
        "Verkostojen rahoitus",
        "Koordinaatio ja sihteeristö",
        "Seuranta ja raportointi",
    ),
    results_shown=ResultsShown.AFTER_CLOSING,
    answers={
        AINO: (2, 4, 2, 3), MIKKO: (2, 4, 3, 3), SATU: (2, 4, 2, 3), TIINA: (2, 4, 3, 4),
        JUSSI: (3, 4, 3, 3), OLLI: (3, 4, 3, 4), MARIA: (3, 4, 3, 3), RIIKKA: (3, 4, 3, 3),
        PETRI: (3, 4, 4, 4), TUOMAS: (3, 4, 4, 4), ANTTI: (2, 3, 2, 3), TIMO: (2, 4, 3, 4),
        EERO: (3, 4, 3, 4), HELENA: (1, 4, 3, 3), KAISA: (2, 4, 3, 3), JOHANNA: (2, 3, 3, 4),
        SANNA: (2, 4, 4, 4),
        HENNA: (2, 4, 2, 3), JUHA: (1, 4, 3, 3), SARI: (2, 3, 2, 3), PAIVI: (2, 4, 3, 3),
        ANU: (1, 3, 3, 3), KIMMO: (3, 4, 3, 3), ELINA: (3, 4, 3, 3), ARI: (3, 3, 3, 4),
        NOORA: (3, 4, 3, 4), KATJA: (3, 4, 4, 4), JARMO: (3, 4, 3, 4), REETTA: (2, 4, 2, 3),
    },
)  # fmt: skip

RATE_ALTERNATIVES = QuestionData(
    "vaihtoehtojen-arvio",
    "ennakkoarviointikehikko",
    17,
    "09:30",
    QuestionKind.RATE_ALTERNATIVES,
    "Arvioi julkaistut vaihtoehdot ennakkoarviointikehikon kriteereillä.",
    help_text=(
        "Asteikko on sama kuin moderaattoreiden arviointimatriisissa: −2 heikentää selvästi, 0 "
        "ei vaikuta, +2 vahvistaa selvästi. Jätä tyhjäksi, mitä et osaa arvioida."
    ),
    placed_after="Millainen ennakkoarviointikehikko",
    answers=dict.fromkeys(
        (
            AINO, MIKKO, SATU, TIINA, JUSSI, OLLI, MARIA, RIIKKA, PETRI, TUOMAS, ANTTI, TIMO,
            EERO, HELENA, KAISA, JOHANNA, SANNA, LAURA,
            HENNA, SARI, PAIVI, ANU, KIMMO, ELINA, ARI, NOORA, KATJA, JARMO, REETTA,
        )
    ),
)  # fmt: skip

WORKSHOPS = QuestionData(
    "tyopajat",
    "vaihe-3-toimintamallien-muotoilu",
    9,
    "13:10",
    QuestionKind.TEXT,
    "Mitä toivotte kolmannen vaiheen työpajoilta?",
    help_text="Lyhyt vastaus riittää. Vastaukset luetaan työpajoja suunniteltaessa.",
    results_shown=ResultsShown.NEVER,
    answers={
        RIIKKA: "Etäosallistuminen jokaiseen työpajaan ja aineisto etukäteen, jotta Itä- ja "
        "Pohjois-Suomesta voi osallistua ilman koko päivän matkaa.",
        OLLI: "Ainakin yksi työpaja pohjoisessa. Etäyhteyksien pitää toimia niin, että etänä voi "
        "oikeasti osallistua keskusteluun eikä vain seurata sitä.",
        JUSSI: "Ajoitus niin, etteivät työpajat osu maakuntahallitusten kokouksiin.",
        VILLE: "Yritysten edustajat mukaan edes osaan työpajoista, muuten elinkeinoelämän "
        "näkökulma jää puuttumaan.",
        MIKKO: "Konkreettisia esimerkkejä siitä, mitä kukin malli tarkoittaisi pienen kunnan "
        "arjessa: kuka tekee työn ja paljonko siihen menee aikaa.",
        HELENA: "Järjestöjen ja kylätoiminnan ääni mukaan. Iltapäivä tai ilta sopii paremmin, "
        "koska moni järjestötoimija osallistuu oman työnsä ohessa.",
        KAISA: "Saariston kysymykset omaksi kohdakseen: liikenne, kausiväestö ja kaksikielisyys.",
        JOHANNA: "Det vore bra om man kunde delta på svenska och om materialet fanns på båda "
        "språken.",
        TIMO: "Vaihtoehtojen ennakkoarvio luonnoksena ennen työpajaa, jotta aika kuluu "
        "perusteluihin eikä kriteerien esittelyyn.",
        SANNA: "Keskisuurille kaupunkiseuduille oma keskustelu: ne eivät kuulu MAL- eivätkä "
        "seutukaupunkiverkostoon.",
        PETRI: "Vaihtoehdot vertailukelpoisina: kustannus, koordinoija ja käynnistysaikataulu "
        "kullekin mallille.",
        NOORA: "Mitä mallit tarkoittavat ELY-keskuksille rahoittajaviranomaisena.",
        SARI: "Lyhyitä, selvästi rajattuja tilaisuuksia: puoli päivää etänä on pienelle kunnalle "
        "realistinen.",
    },
    pending=(VILLE,),
)

QUESTIONS = [
    THEMES,
    SUPPORT_NEED,
    SUPPORT_FORMS,
    OPERATING_MODEL,
    WORKSHOPS,
    DECISION_LEVELS,
    RATE_ALTERNATIVES,
]
"""In the order the moderator added them."""
