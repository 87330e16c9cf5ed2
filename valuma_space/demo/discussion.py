"""The demo's discussion: invented stakeholders, their comments on the study's sections, and the
moderators' model design built from them (themes, alternatives, criteria, links, assessments).

None of it comes from the study: the people, their organisations and what they say are made up
for the demo, and the workspace's summary says so. The texts are fixed so that the demo is the
same on every machine; the builder (demo/builder.py) writes them through the app's services.

A comment's time is `day` (days after the comment period opened, 0 being its first day) and
`at` ("HH:MM", Helsinki time). A reply is always later than the comment it answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from valuma_space.auth.choices import OrganisationType as Org
from valuma_space.auth.choices import Region
from valuma_space.auth.models import NameDisplay
from valuma_space.comments.models import CommentKind, TriageStatus
from valuma_space.modeldesign.models import AlternativeKind, AlternativeStatus, Stance

DAYS_BEFORE_BUILD = 21
"""The demo's comment period opened this many days before the day the demo is built, so that
the discussion has had three weeks; every comment is dated before the build day."""

MODERATOR = "moderaattori"
"""The key that names the demo's moderator account as a writer below."""


@dataclass(frozen=True)
class Stakeholder:
    key: str
    name: str
    organisation: str
    organisation_type: Org
    region: Region
    name_display: NameDisplay = NameDisplay.FULL_NAME
    pseudonym: str = ""

    @property
    def email(self) -> str:
        return f"{self.key}@sidosryhma.example"


STAKEHOLDERS = [
    Stakeholder("aino.lehtonen", "Aino Lehtonen", "Esimerkkilän kaupunki", Org.MUNICIPALITY, Region.PIRKANMAA),
    Stakeholder("mikko.vaisanen", "Mikko Väisänen", "Järvikylän kunta", Org.MUNICIPALITY, Region.POHJOIS_KARJALA),
    Stakeholder("satu.heikkila", "Satu Heikkilä", "Rannikkolan kaupunki", Org.MUNICIPALITY, Region.KESKI_POHJANMAA),
    Stakeholder("tiina.nieminen", "Tiina Nieminen", "Harjulan kaupunki", Org.MUNICIPALITY, Region.PAIJAT_HAME),
    Stakeholder("jussi.korhonen", "Jussi Korhonen", "Pohjoisrannan liitto", Org.REGIONAL_COUNCIL, Region.POHJOIS_POHJANMAA),
    Stakeholder("olli.rantala", "Olli Rantala", "Tunturiseudun liitto", Org.REGIONAL_COUNCIL, Region.LAPPI),
    Stakeholder("maria.salonen", "Maria Salonen", "Järviseudun maakuntaliitto", Org.REGIONAL_COUNCIL, Region.ETELA_SAVO),
    Stakeholder("riikka.turunen", "Riikka Turunen", "Itä-Esimerkin ELY-keskus", Org.ELY_CENTRE, Region.KAINUU),
    Stakeholder("petri.laine", "Petri Laine", "Esimerkkiministeriön alueosasto", Org.MINISTRY, Region.NATIONAL),
    Stakeholder(
        "tuomas.kallio", "Tuomas Kallio", "Valtion esimerkkivirasto", Org.MINISTRY, Region.NATIONAL,
        name_display=NameDisplay.ORGANISATION,
    ),
    Stakeholder("antti.miettinen", "Antti Miettinen", "Koskiseudun Kehitys Oy", Org.DEVELOPMENT_COMPANY, Region.KYMENLAAKSO),
    Stakeholder("timo.hakala", "Timo Hakala", "Esimerkkilän yliopisto, aluetieteen yksikkö", Org.RESEARCH, Region.KESKI_SUOMI),
    Stakeholder("eero.lindqvist", "Eero Lindqvist", "Pohjoinen aluetutkimuslaitos", Org.RESEARCH, Region.POHJOIS_POHJANMAA),
    Stakeholder("helena.koivisto", "Helena Koivisto", "Kylätoiminta Esimerkki ry", Org.ASSOCIATION, Region.ETELA_POHJANMAA),
    Stakeholder("kaisa.nyberg", "Kaisa Nyberg", "Saariston yhteistyöyhdistys ry", Org.ASSOCIATION, Region.VARSINAIS_SUOMI),
    Stakeholder(
        "kalle.aaltonen", "Kalle Aaltonen", "Aluekonsultit Esimerkki Oy", Org.COMPANY, Region.UUSIMAA,
        name_display=NameDisplay.ORGANISATION,
    ),
    Stakeholder("ville.saarinen", "Ville Saarinen", "Satamakaupungin Konepaja Oy", Org.COMPANY, Region.SATAKUNTA),
    Stakeholder("johanna.westerlund", "Johanna Westerlund", "Rannikkoseutujen yhteistyöverkosto", Org.NETWORK, Region.POHJANMAA),
    Stakeholder("sanna.karjalainen", "Sanna Karjalainen", "Kaupunkiseutujen esimerkkiverkosto", Org.NETWORK, Region.POHJOIS_SAVO),
    Stakeholder(
        "laura.virtanen", "Laura Virtanen", "Itsenäinen asiantuntija", Org.OTHER, Region.KANTA_HAME,
        name_display=NameDisplay.PSEUDONYM, pseudonym="Hämeen aluekehittäjä",
    ),
]  # fmt: skip


INVITED_ONLY = [
    ("Pekka Mustonen", "Lakeuden kaupunki", Org.MUNICIPALITY, Region.ETELA_POHJANMAA),
    ("Anna Rautio", "Vaarakylän kunta", Org.MUNICIPALITY, Region.POHJOIS_KARJALA),
    ("Jari Koskinen", "Kanavakaupunki", Org.MUNICIPALITY, Region.ETELA_KARJALA),
    ("Minna Salo", "Saaristokunta", Org.MUNICIPALITY, Region.VARSINAIS_SUOMI),
    ("Hanna Lindroos", "Merenkurkun liitto", Org.REGIONAL_COUNCIL, Region.POHJANMAA),
    ("Kari Huttunen", "Itärajan maakuntaliitto", Org.REGIONAL_COUNCIL, Region.POHJOIS_SAVO),
    ("Eija Mäkelä", "Hämeen esimerkki-ELY", Org.ELY_CENTRE, Region.KANTA_HAME),
    ("Markus Berg", "Länsirannikon ELY-keskus", Org.ELY_CENTRE, Region.SATAKUNTA),
    ("Leena Honkanen", "Esimerkkiministeriön kaupunkiyksikkö", Org.MINISTRY, Region.NATIONAL),
    ("Sami Peltonen", "Seudullinen kehitysyhtiö Esimerkki Oy", Org.DEVELOPMENT_COMPANY, Region.PIRKANMAA),
    ("Heidi Forsman", "Ammattikorkeakoulu Esimerkki", Org.RESEARCH, Region.UUSIMAA),
    ("Ilkka Manninen", "Maaseutuverkosto Esimerkki", Org.NETWORK, Region.NATIONAL),
    ("Outi Kivelä", "Kylien yhteisö ry", Org.ASSOCIATION, Region.LAPPI),
    ("Janne Heino", "Esimerkkiteollisuus Oy", Org.COMPANY, Region.KYMENLAAKSO),
]  # fmt: skip
"""Invited with the stakeholders above, not registered (yet): the participation page compares
who was invited with who took part."""


# --- the model design ---------------------------------------------------------------------------

THEMES = {
    "rahoitus": "Rahoitus",
    "maaseutu": "Maaseutu ja saaristo",
    "mal": "MAL-verkosto ja kaupunkiseudut",
    "seutukaupungit": "Seutukaupungit",
    "vertaisoppiminen": "Vertaisoppiminen",
    "hallinto": "Hallinto ja koordinaatio",
    "pohjoismaat": "Pohjoismaiset esimerkit",
    "arviointi": "Ennakkoarviointi",
    "elinkeinot": "Elinkeinot ja osaaminen",
}

CRITERIA = {
    "vaikuttavuus": "Vaikuttavuus",
    "keveys": "Hallinnollinen keveys",
    "tasapaino": "Alueellinen tasapaino",
    "pysyvyys": "Rahoituksen pysyvyys",
    "soveltuvuus": "Soveltuvuus eri aluetasoille",
}
"""The ex-ante assessment framework's criteria, as a commenter proposed them (see below)."""


@dataclass(frozen=True)
class AlternativeData:
    key: str
    kind: AlternativeKind
    title: str
    description: str
    status: AlternativeStatus
    shown: bool


OPERATING = AlternativeKind.OPERATING_MODEL
FUNDING = AlternativeKind.FUNDING_OPTION
DISCUSSED = AlternativeStatus.UNDER_DISCUSSION

ALTERNATIVES = [
    AlternativeData(
        "foorumi",
        OPERATING,
        "Kevyt yhteistyöfoorumi",
        "Kaikille alueille avoin foorumi tiedon vaihtoon ja vertaisoppimiseen: verkkoalusta, "
        "pari kertaa vuodessa kokoontuva verkostopäivä ja pieni yhteinen sihteeristö.\n\n"
        "- ei uutta hallintoa: foorumi kokoaa olemassa olevia verkostoja\n"
        "- osallistuminen vapaaehtoista ja etänäkin mahdollista",
        DISCUSSED,
        True,
    ),
    AlternativeData(
        "teemat",
        OPERATING,
        "Teemapohjaiset kehittämisverkostot",
        "Alueet muodostavat määräaikaisia verkostoja itse valitsemiensa sisällöllisten teemojen "
        "ympärille (esimerkiksi osaajien saatavuus, kiertotalous, kaupunki–maaseutu-"
        "vuorovaikutus). Verkosto sopii tavoitteensa ja päättyy, kun ne on saavutettu.",
        DISCUSSED,
        True,
    ),
    AlternativeData(
        "aluetasot",
        OPERATING,
        "Aluetasojen verkostot ja yhteinen koordinaatio",
        "Nykyiset verkostot – MAL-verkosto, seutukaupunkiverkosto sekä maaseudun ja saariston "
        "verkostot – jatkavat omina pilareinaan, ja niillä on yhteinen koordinaatioryhmä, joka "
        "sovittaa niiden työn kansallisiin painopisteisiin.",
        DISCUSSED,
        True,
    ),
    AlternativeData(
        "sopimus",
        OPERATING,
        "Sopimuksellinen kumppanuusmalli",
        "Valtio ja alueet tekevät määräaikaisia verkostosopimuksia, joissa sovitaan yhteiset "
        "tavoitteet, vastuut ja seuranta kansallisten painopisteiden pohjalta, MAL-sopimusten "
        "tapaan mutta kevyemmin.",
        AlternativeStatus.DRAFT,
        False,
    ),
    AlternativeData(
        "maararaha",
        FUNDING,
        "Valtion pysyvä verkostomääräraha",
        "Valtion talousarvioon vuosittainen määräraha verkostojen koordinaatioon ja yhteisiin "
        "toimiin. Perusrahoitus sihteeristölle, hankkeet haettavina.",
        DISCUSSED,
        True,
    ),
    AlternativeData(
        "yhteis",
        FUNDING,
        "Valtion ja alueiden yhteisrahoitus",
        "Verkostojen rahoitus jaetaan: valtio rahoittaa koordinaation ja osallistuvat kunnat, "
        "maakuntien liitot ja muut toimijat omarahoitusosuuden.",
        DISCUSSED,
        True,
    ),
    AlternativeData(
        "eu",
        FUNDING,
        "Rahoitus EU:n alueiden välisen yhteistyön ohjelmista",
        "Verkostotyö rahoitetaan ohjelmakauden 2021–2027 alueiden välisen yhteistyön "
        "rahoituksella, kansallisella vastinrahalla täydennettynä.",
        AlternativeStatus.DRAFT,
        False,
    ),
]

ASSESSMENTS = [
    ("foorumi", "keveys", 2, "Ei uutta hallintoa; kommenteissa toivottiin nimenomaan mallia, joka kokoaa olemassa olevaa."),
    ("foorumi", "vaikuttavuus", -1, "Pelkkä tiedonvaihto ei kommenttien mukaan näy yrityksille eikä tuota konkreettisia tuloksia."),
    ("teemat", "vaikuttavuus", 1, "Itse valitut teemat sitouttavat (seutukaupunkien kokemus), mutta tulos riippuu koordinaation resursseista."),
    ("teemat", "soveltuvuus", 1, "Kaksitasoinen malli sopii myös pienille kunnille, kun perustaso on kevyt ja etänä toimiva."),
    ("aluetasot", "keveys", -1, "Päällekkäiset verkostot eri aluetasoilla lisäävät samojen ihmisten työtä."),
    ("aluetasot", "tasapaino", 1, "Maaseudun ja saariston verkostot omina pilareinaan; keskisuurten kaupunkiseutujen asema vielä auki."),
    ("maararaha", "pysyvyys", 2, "Katkaisee hankekierteen: sihteeristön perusrahoitus on ennustettava."),
    ("yhteis", "pysyvyys", 1, "Omarahoitus sitouttaa alueet, mutta rahoitus vaihtelee kuntien talouden mukana."),
    ("yhteis", "tasapaino", -1, "Pienillä kunnilla on vähemmän omarahoituskykyä kuin suurilla kaupunkiseuduilla."),
]  # fmt: skip


# --- the comments -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    alternative: str
    stance: Stance
    criterion: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Say:
    """One comment and the replies to it."""

    by: str
    day: int
    at: str
    body: str
    kind: CommentKind = CommentKind.COMMENT
    quote: str = ""
    agree: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    triage: TriageStatus | None = None
    replies: tuple[Say, ...] = ()
    pending: bool = False
    """Written while the workspace was pre-moderated: it waits for a moderator."""
    hidden: str = ""
    """The reason a moderator hid it."""
    reported: tuple[str, str] | None = None
    """(reporter, reason) before the moderator decided."""
    note: str = ""
    """A moderator's note on it, for the consortium only."""


Q = CommentKind.QUESTION
P = CommentKind.PROPOSAL
USED = TriageStatus.USED
READ = TriageStatus.READ
ANSWERED = TriageStatus.ANSWERED
SUPPORTS = Stance.SUPPORTS
OPPOSES = Stance.OPPOSES
CHANGE = Stance.PROPOSES_CHANGE

M = MODERATOR
AINO, MIKKO, SATU, TIINA = "aino.lehtonen", "mikko.vaisanen", "satu.heikkila", "tiina.nieminen"
JUSSI, OLLI, MARIA = "jussi.korhonen", "olli.rantala", "maria.salonen"
RIIKKA, PETRI, TUOMAS = "riikka.turunen", "petri.laine", "tuomas.kallio"
ANTTI, TIMO, EERO = "antti.miettinen", "timo.hakala", "eero.lindqvist"
HELENA, KAISA, KALLE, VILLE = "helena.koivisto", "kaisa.nyberg", "kalle.aaltonen", "ville.saarinen"
JOHANNA, SANNA, LAURA = "johanna.westerlund", "sanna.karjalainen", "laura.virtanen"


DISCUSSION: dict[str, list[Say]] = {
    "selvityksen-tarkoitus": [
        Say(
            AINO, 1, "09:40",
            "Resurssien kohdentaminen on koko selvityksen ydin. Kaupunkiseuduilla verkostotyö "
            "on tähän asti rahoitettu hankkeista, ja jokainen hankekausi alkaa alusta. Toivoisin, "
            "että selvitys nimeää myös sen, mistä luovutaan, jos verkostoille osoitetaan pysyvää "
            "rahaa.",
            quote="On tärkeä tunnistaa mihin ja miten aluekehittämisen resursseja pitäisi jatkossa kohdistaa",
            agree=(MIKKO, JUSSI, TIINA, SATU),
            themes=("rahoitus",),
            links=(Link("maararaha", SUPPORTS, "pysyvyys", "Hankekierre katkaistava pysyvällä rahoituksella."),),
            triage=USED,
            replies=(
                Say(
                    JUSSI, 1, "14:05",
                    "Samaa mieltä hankekierteestä. Maakuntien liittojen näkökulmasta kyse on myös "
                    "siitä, että verkostojen tavoitteet kirjataan maakuntaohjelmiin – muuten "
                    "rahoitus ei ankkuroidu mihinkään.",
                    agree=(AINO,),
                    replies=(
                        Say(
                            AINO, 2, "08:30",
                            "Hyvä pointti. Meillä maakuntaohjelman ja kaupunkistrategian kytkentä on "
                            "ollut lähinnä muodollinen. Pitäisikö selvityksen ehdottaa tähän jotain "
                            "konkreettista, esimerkiksi verkostojen yhteistä vuosisuunnitelmaa?",
                            kind=Q,
                            triage=ANSWERED,
                            replies=(
                                Say(
                                    M, 3, "10:15",
                                    "Kiitos, tämä on hyvä kysymys kolmannen vaiheen työpajoihin. "
                                    "Kirjaamme yhteisen vuosisuunnitelman yhdeksi vaihtoehtojen "
                                    "tarkennukseksi.",
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        Say(
            MIKKO, 2, "13:20",
            "Miten vaikuttavuus tässä määritellään? Pienen kunnan näkökulmasta tärkeintä on, että "
            "yhteistyöstä jää käteen jotain konkreettista: yhteinen hakemus, uusi yrityskontakti "
            "tai osaaja. Raporttien määrä ei ole vaikuttavuutta.",
            kind=Q,
            quote="millaisia ovat vaikuttavat kaupunkien ja alueiden väliset yhteistyömuodot aluekehittämisessä",
            agree=(SATU, HELENA, TIINA),
            themes=("arviointi",),
            triage=ANSWERED,
            replies=(
                Say(
                    M, 3, "09:05",
                    "Vaikuttavuutta arvioidaan ennakkoarviointikehikon avulla, ja kehikon kriteerit "
                    "ovat keskusteltavana osiossa Ennakkoarviointikehikko. Kerro mielellään sielläkin, "
                    "mitä konkreettisia tuloksia pitäisi mitata.",
                    replies=(
                        Say(
                            TIMO, 4, "16:40",
                            "Tutkimuksen näkökulmasta verkostojen vaikuttavuutta on vaikea todentaa "
                            "lyhyellä aikavälillä. Kannattaa erottaa välittömät tuotokset (yhteiset "
                            "hankkeet, tapaamiset) ja pidemmän aikavälin vaikutukset (osaaminen, "
                            "luottamus, investoinnit).",
                            agree=(MIKKO, PETRI),
                        ),
                    ),
                ),
            ),
        ),
    ],
    "paatavoitteet": [
        Say(
            HELENA, 2, "19:10",
            "Ehdotan, että maaseutu- ja saaristopolitiikka eivät jää kaupunkipolitiikan "
            "lisäkkeiksi. Maaseudun ja saariston toimijoilla on jo vakiintuneet verkostot, joiden "
            "kokemukset kannattaa hyödyntää suoraan.",
            kind=P,
            quote="kaupunki-, maaseutu- ja saaristopolitiikan yhteistyön ja kumppanuuden syventämiseksi",
            agree=(MIKKO, KAISA, OLLI),
            themes=("maaseutu",),
            links=(
                Link("aluetasot", CHANGE, "tasapaino", "Maaseudun ja saariston verkostot omiksi pilareikseen."),
            ),
            triage=USED,
            replies=(
                Say(
                    KAISA, 3, "08:50",
                    "Saariston kannalta sama. Saaristokunnissa yhteistyö on usein käytännön asioita: "
                    "liikenne, palvelut, kausiväestö. Niiden pitäisi näkyä myös verkostojen "
                    "teemoissa.",
                ),
                Say(
                    AINO, 3, "12:30",
                    "Kaupunkiseudun näkökulmasta en näe tätä vastakkainasetteluna. Kaupungin ja sen "
                    "maaseutumaisen ympäristön yhteistyö on arkea – ehkä juuri kaupunki–maaseutu-"
                    "vuorovaikutus voisi olla yksi verkostojen yhteisistä teemoista?",
                    agree=(HELENA,),
                    replies=(
                        Say(
                            HELENA, 4, "09:15",
                            "Kaupunki–maaseutu-vuorovaikutus teemana sopii hyvin, kunhan maaseutu on "
                            "mukana myös päättämässä teemoista eikä vain kohteena.",
                        ),
                    ),
                ),
            ),
        ),
        Say(
            PETRI, 5, "10:00",
            "Valmistelun kannalta olisi hyödyllistä, että vaihtoehdot esitetään vertailukelpoisina: "
            "mitä kukin malli maksaa, kuka sitä koordinoi ja millä aikataululla sen voisi "
            "käynnistää. Näin ne voidaan viedä suoraan päätöksentekoon.",
            quote="kartoittaa vaihtoehdot aluekehittämisen verkostoyhteistyön toimintamalleista ja rahoitusvaihtoehdoista",
            agree=(JUSSI, TIMO),
            themes=("hallinto",),
            triage=READ,
        ),
    ],
    "miksi-tietoa-tarvitaan": [
        Say(
            JUSSI, 3, "15:20",
            "Tämä on ratkaiseva kohta. Jos alueiden kehittämisen järjestelmä muuttuu "
            "hallituskauden aikana, verkostomallin pitää toimia sekä nykyisessä että uudessa "
            "järjestelmässä. Toivon selvitykseltä vaihtoehtoja, jotka eivät riipu yhdestä "
            "hallintorakenteesta.",
            quote="Erityisen tärkeää on sovittaa verkostotyö mahdollisiin alkavan hallituskauden alueellisen kehittämisen uudistuksiin.",
            agree=(PETRI, RIIKKA, AINO),
            themes=("hallinto",),
            links=(Link("foorumi", SUPPORTS, "keveys", "Malli, joka ei sido yhteen hallintorakenteeseen."),),
            triage=USED,
            replies=(
                Say(
                    RIIKKA, 4, "11:00",
                    "ELY-keskuksista katsottuna sama huoli: rahoittajaviranomaisen roolin "
                    "verkostoissa pitää olla selvä riippumatta siitä, miten järjestelmää "
                    "uudistetaan.",
                ),
            ),
        ),
        Say(
            LAURA, 6, "20:45",
            "Mitä sektorirajat ylittävä kehittämistyö tarkoittaa käytännössä? Ovatko verkostoissa "
            "mukana myös esimerkiksi koulutuksen ja liikenteen toimijat, vai puhutaanko lähinnä "
            "aluekehitysviranomaisista?",
            kind=Q,
            quote="poikkihallinnollista, sektorirajat ylittävää kehittämistyötä",
            triage=ANSWERED,
            replies=(
                Say(
                    M, 7, "09:30",
                    "Hyvä kysymys. Sektorirajat ylittävällä tarkoitetaan, että verkostoissa voisi olla "
                    "aluekehitysviranomaisten lisäksi esimerkiksi oppilaitoksia, elinkeinoelämää ja "
                    "järjestöjä. Tarkennamme tätä kolmannen vaiheen aineistoon.",
                    replies=(
                        Say(
                            LAURA, 7, "13:10",
                            "Kiitos. Silloin myös rahoitusmallin pitäisi sallia muiden kuin julkisten "
                            "toimijoiden osallistuminen.",
                            agree=(HELENA, VILLE),
                            links=(Link("yhteis", CHANGE, None, "Rahoitus myös muille kuin julkisille toimijoille."),),
                            triage=USED,
                        ),
                    ),
                ),
            ),
        ),
    ],
    "toimintamalli-verkottumiselle": [
        Say(
            SATU, 4, "10:20",
            "Seutukaupungeille omaehtoisuus on tärkeää. Kokemuksemme mukaan ylhäältä annetut "
            "teemat eivät innosta, mutta kun kaupungit itse valitsevat yhteisen haasteen – "
            "esimerkiksi osaajapulan – yhteistyö lähtee liikkeelle. Seutukaupunkiverkoston "
            "kokemukset kannattaa ottaa mallin pohjaksi.",
            quote="omaehtoista ja monimuotoista verkottumista",
            agree=(MIKKO, ANTTI, HELENA, OLLI, TIINA),
            themes=("seutukaupungit", "vertaisoppiminen"),
            links=(Link("teemat", SUPPORTS, "vaikuttavuus", "Itse valitut teemat sitouttavat."),),
            triage=USED,
            replies=(
                Say(
                    ANTTI, 4, "15:45",
                    "Kehitysyhtiön näkökulmasta lisäisin, että verkostoon tarvitaan joku, joka pitää "
                    "langat käsissä. Omaehtoisuus ei tarkoita, että koordinaatio hoituu itsestään.",
                    agree=(SATU,),
                    replies=(
                        Say(
                            SATU, 5, "08:20",
                            "Totta. Seutukaupunkiverkostossa kiertävä puheenjohtajuus on toiminut, "
                            "mutta sihteeristö on ollut aina resurssikysymys.",
                            replies=(
                                Say(
                                    PETRI, 5, "14:00",
                                    "Koordinaation resursointi on juuri se kohta, jossa valtio voisi "
                                    "tulla vastaan. Sihteeristön rahoitus on pienempi ja "
                                    "ennustettavampi meno kuin hankerahoitus.",
                                    agree=(SATU, ANTTI, AINO),
                                    links=(
                                        Link("maararaha", SUPPORTS, "pysyvyys", "Sihteeristön perusrahoitus valtiolta."),
                                    ),
                                    triage=USED,
                                ),
                            ),
                        ),
                    ),
                ),
                Say(
                    TIMO, 6, "10:10",
                    "Vertaisoppimisesta on hyvää tutkimusnäyttöä silloin, kun osallistujat ovat "
                    "samankaltaisissa tilanteissa. Monimuotoisuus ja vertaisuus voivat olla "
                    "jännitteisiä keskenään – tämä kannattaa tunnistaa mallissa.",
                    themes=("vertaisoppiminen",),
                ),
            ),
        ),
        Say(
            OLLI, 5, "09:00",
            "Ehdotan, että toimintamallissa on kaksi tasoa: kevyt, kaikille avoin foorumi tiedon "
            "vaihtoon ja sen päällä määräaikaisia teemaverkostoja, joihin alueet hakeutuvat omien "
            "tarpeidensa mukaan. Pohjois-Suomessa pitkät etäisyydet tekevät etäyhteyksistä "
            "välttämättömiä, joten foorumin pitää toimia myös verkossa.",
            kind=P,
            quote="tukisi parhaiten alueiden omaehtoista",
            agree=(JUSSI, RIIKKA, SATU, KAISA, AINO, MIKKO),
            themes=("vertaisoppiminen",),
            links=(
                Link("foorumi", SUPPORTS, "soveltuvuus", "Kevyt perustaso, joka toimii etänä."),
                Link("teemat", SUPPORTS, None, "Teemaverkostot foorumin päälle."),
            ),
            triage=USED,
            note="Otetaan syyskuun työpajan rungoksi: kaksi tasoa, perustaso etänä.",
            replies=(
                Say(
                    MIKKO, 6, "08:15",
                    "Kaksitasoinen malli kuulostaa järkevältä. Pienten kuntien resurssit eivät riitä "
                    "osallistumaan kaikkeen, joten kevyt perustaso on tärkeä.",
                ),
                Say(
                    M, 6, "11:40",
                    "Kiitos ehdotuksesta. Kevyt perustaso on nyt mukana vaihtoehtona ”Kevyt "
                    "yhteistyöfoorumi” ja sen päälle rakentuvat verkostot vaihtoehtona "
                    "”Teemapohjaiset kehittämisverkostot”. Arvioimme niitä kriteereittäin.",
                    replies=(
                        Say(
                            OLLI, 7, "09:05",
                            "Hyvä. Toivon, että arvioinnissa katsotaan myös, miten mallit toimivat "
                            "harvaan asutuilla alueilla.",
                        ),
                    ),
                ),
            ),
        ),
    ],
    "verkostot-ja-painopisteet": [
        Say(
            RIIKKA, 5, "13:30",
            "Kansalliset painopisteet ovat hyvä kehys, mutta niiden pitää jättää tilaa alueellisille "
            "eroille. Kainuussa painopisteet näyttävät erilaisilta kuin Uudellamaalla. Verkostojen "
            "tehtävä voisi olla juuri painopisteiden tulkitseminen alueiden arkeen.",
            agree=(OLLI, MIKKO),
            themes=("maaseutu", "hallinto"),
            links=(
                Link("sopimus", CHANGE, "tasapaino", "Painopisteet alueellisesti tulkittaviksi sopimuksissa."),
            ),
            triage=USED,
            replies=(
                Say(
                    PETRI, 6, "09:45",
                    "Painopisteiden valmistelussa on ajateltu juuri tätä: ne ovat tavoitteita, joiden "
                    "toteutustapa voi vaihdella. Verkostot voisivat raportoida, miten painopisteitä "
                    "on alueilla edistetty.",
                    replies=(
                        Say(
                            RIIKKA, 6, "15:20",
                            "Raportointi on hyvä, kunhan se ei ole uusi hallinnollinen taakka. "
                            "Mieluummin yksi yhteinen katsaus vuodessa kuin jokaiselle verkostolle "
                            "omat lomakkeet.",
                            agree=(JUSSI, ANTTI, MIKKO),
                            links=(Link("sopimus", CHANGE, "keveys", "Raportointivelvoite ei saa kasvaa."),),
                            triage=USED,
                        ),
                    ),
                ),
            ),
        ),
        Say(
            AINO, 15, "10:05",
            "MAL-verkoston kokemus on, että maankäytön, asumisen ja liikenteen sopimukset ovat "
            "toimineet, koska niissä on selvät vastuut ja seuranta. Sama logiikka voisi sopia "
            "verkostoyhteistyöhön laajemminkin, mutta kevyemmällä hallinnolla.",
            agree=(PETRI, TUOMAS, SANNA),
            themes=("mal",),
            links=(Link("sopimus", SUPPORTS, "vaikuttavuus", "MAL-sopimusten logiikka kevyempänä."),),
            triage=USED,
            replies=(
                Say(
                    MIKKO, 15, "14:30",
                    "MAL-sopimukset koskevat suuria kaupunkiseutuja. Miten sopimusmalli toimisi "
                    "pienille kunnille, joilla ei ole neuvotteluresursseja?",
                    kind=Q,
                    agree=(HELENA, TIINA),
                    links=(Link("sopimus", Stance.ASKS, "soveltuvuus", "Pienten kuntien neuvotteluresurssit."),),
                    triage=USED,
                    replies=(
                        Say(
                            AINO, 16, "09:10",
                            "Ei varmaan samanlaisena. Ehkä seutukunta tai maakunta voisi sopia "
                            "pienten kuntien puolesta?",
                            replies=(
                                Say(
                                    MIKKO, 16, "12:00",
                                    "Se voisi toimia, kunhan kunnat pääsevät oikeasti vaikuttamaan "
                                    "sopimuksen sisältöön.",
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
    ],
    "ennakkoarviointikehikko": [
        Say(
            TIMO, 3, "11:25",
            "Ehdotan kehikkoon viittä kriteeriä: vaikuttavuus, hallinnollinen keveys, alueellinen "
            "tasapaino, rahoituksen pysyvyys ja soveltuvuus eri aluetasoille. Kullekin kriteerille "
            "tarvitaan myös mittari tai ainakin kuvaus siitä, millä perusteella arvio tehdään.",
            kind=P,
            quote="Millainen ennakkoarviointikehikko verkostomaiselle toimintatavalle voidaan luoda?",
            agree=(PETRI, JUSSI, LAURA, MARIA),
            themes=("arviointi",),
            triage=USED,
            replies=(
                Say(
                    PETRI, 4, "08:40",
                    "Hyvä runko. Lisäisin kustannukset omaksi kriteerikseen tai ainakin osaksi "
                    "hallinnollista keveyttä.",
                    replies=(
                        Say(
                            TIMO, 4, "13:15",
                            "Kustannukset voi sisällyttää hallinnolliseen keveyteen, kun kriteeri "
                            "kuvataan selvästi: sekä suorat kustannukset että osallistumisen "
                            "työmäärä.",
                            agree=(PETRI,),
                        ),
                    ),
                ),
                Say(
                    M, 5, "10:00",
                    "Kiitos! Otimme nämä viisi kriteeriä arviointimatriisin pohjaksi. Arviot ja "
                    "niiden perustelut päivittyvät sitä mukaa, kun keskustelu etenee.",
                ),
            ),
        ),
        Say(
            MARIA, 16, "15:00",
            "Tehdäänkö ennakkoarviointi vain asiantuntija-arviona, vai kuullaanko alueita myös "
            "arvioinnissa? Olisi hyvä, että alueet voisivat arvioida vaihtoehtoja samoilla "
            "kriteereillä.",
            kind=Q,
            agree=(TIMO, OLLI),
            themes=("arviointi",),
            triage=ANSWERED,
            replies=(
                Say(
                    M, 17, "09:20",
                    "Arvioinnin pohjana ovat tämän työtilan kommentit: moderaattorit liittävät niitä "
                    "vaihtoehtoihin kriteereittäin, ja arviointimatriisi kertoo, mihin kunkin arvion "
                    "perustelu nojaa. Arviointia käsitellään lisäksi kolmannen vaiheen työpajoissa.",
                ),
            ),
        ),
        Say(
            LAURA, 20, "18:30",
            "Ehdotan, että kehikkoon lisätään kriteeri verkoston avoimuudesta: voiko uusi alue tai "
            "toimija liittyä mukaan kesken kauden?",
            kind=P,
            quote="verkostomaiselle toimintatavalle",
            pending=True,
        ),
    ],
    "toimintamallin-vaikutukset": [
        Say(
            ANTTI, 6, "14:10",
            "Yritysten näkökulmasta vaikutukset näkyvät, jos verkostot tuottavat yhteisiä "
            "palveluita, esimerkiksi osaajien houkuttelua tai kansainvälistymisen tukea. Pelkkä "
            "viranomaisten välinen tiedonvaihto ei näy yrityksille.",
            quote="Millaisia vaikutuksia ehdotetulla toimintamallilla tai malleilla voidaan ennakoida olevan?",
            agree=(SATU, VILLE),
            themes=("elinkeinot",),
            links=(
                Link("teemat", SUPPORTS, "vaikuttavuus", "Yhteiset palvelut yrityksille."),
                Link("foorumi", OPPOSES, "vaikuttavuus", "Pelkkä tiedonvaihto ei näy yrityksille."),
            ),
            triage=USED,
            replies=(
                Say(
                    VILLE, 7, "10:30",
                    "Juuri näin. Meille tärkeintä olisi, että alueet eivät kilpailisi keskenään "
                    "samoista osaajista vaan markkinoisivat yhdessä.",
                    agree=(ANTTI,),
                    themes=("elinkeinot",),
                ),
            ),
        ),
        Say(
            TIINA, 17, "09:40",
            "Käsitelläänkö vaikutusten arvioinnissa myös sitä, mitä tapahtuu, jos mitään uutta "
            "mallia ei oteta käyttöön? Nollavaihtoehto auttaisi näkemään, mitä verkostoilla "
            "oikeasti saavutetaan.",
            kind=Q,
            agree=(TIMO, PETRI),
            themes=("arviointi",),
            triage=ANSWERED,
            replies=(
                Say(
                    TIMO, 17, "13:50",
                    "Nollavaihtoehto on arvioinnissa vakiokäytäntö, ja se kannattaa ottaa mukaan "
                    "tässäkin. Se myös pakottaa kuvaamaan nykytilan rehellisesti.",
                    replies=(
                        Say(
                            M, 18, "08:45",
                            "Lisäämme nollavaihtoehdon, nykyisen hankepohjaisen yhteistyön, "
                            "arvioinnin vertailukohdaksi.",
                        ),
                    ),
                ),
            ),
        ),
    ],
    "soveltuvuus-eri-alueille": [
        Say(
            KAISA, 4, "19:20",
            "Saaristo puuttuu tästä lauseesta. Saaristoalueilla on omat erityispiirteensä – "
            "lautat, kausiasukkaat, kaksikielisyys – joiden pitäisi näkyä, kun malleja arvioidaan.",
            quote="sekä kaupunkeihin että maaseutumaisille alueille",
            agree=(HELENA, JOHANNA, OLLI),
            themes=("maaseutu",),
            links=(Link("aluetasot", CHANGE, "soveltuvuus", "Saaristo omaksi tarkastelukohteekseen."),),
            triage=USED,
            replies=(
                Say(
                    M, 5, "09:10",
                    "Kiitos huomiosta. Saaristopolitiikka on mukana selvityksen päätavoitteissa, ja "
                    "arvioimme vaihtoehtojen soveltuvuuden erikseen myös saaristoalueille.",
                ),
            ),
        ),
        Say(
            OLLI, 14, "08:30",
            "Aluetasoja on Suomessa käytännössä neljä: kunta, seutukunta, maakunta ja valtakunta. "
            "Verkostomallin pitäisi kertoa selvästi, millä tasolla päätetään mistäkin. Muuten samat "
            "ihmiset istuvat kolmessa eri verkostossa saman asian kanssa.",
            quote="eri aluetasoille",
            agree=(JUSSI, MARIA, RIIKKA, MIKKO),
            themes=("hallinto",),
            links=(
                Link("aluetasot", OPPOSES, "keveys", "Päällekkäiset verkostot eri aluetasoilla lisäävät työtä."),
            ),
            triage=USED,
            replies=(
                Say(
                    JUSSI, 14, "13:40",
                    "Päällekkäisyys on todellinen ongelma. Meillä sama kehittämispäällikkö edustaa "
                    "maakuntaa neljässä verkostossa.",
                    replies=(
                        Say(
                            SATU, 15, "10:00",
                            "Seutukaupungeissa sama. Verkostoja pitäisi ehkä jopa yhdistää ennen kuin "
                            "uusia perustetaan.",
                            replies=(
                                Say(
                                    TIINA, 16, "16:20",
                                    "Kannatan. Voisiko selvitys listata nykyiset verkostot ja niiden "
                                    "päällekkäisyydet? Se olisi jo sinänsä hyödyllinen tuotos.",
                                    kind=P,
                                    agree=(OLLI, JUSSI),
                                ),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        Say(
            KALLE, 11, "12:00",
            "Tarjoamme alueille valmiin verkostoalustan ja fasilitointipalvelut kiinteään "
            "kuukausihintaan. Ensimmäinen työpaja veloituksetta – ota yhteyttä, niin räätälöimme "
            "mallin juuri teidän alueellenne!",
            reported=(JUSSI, "Mainos, ei liity keskusteluun."),
            note="Sama yritys lähetti saman tarjouksen myös hankkeen sähköpostiin.",
            hidden=(
                "Kommentti markkinoi yrityksen palveluita eikä käsittele selvityksen aineistoa. "
                "Yritykset ovat tervetulleita keskusteluun, kun kommentit koskevat aineistoa."
            ),
        ),
    ],
    "vaihe-1-uudistukset-ja-tilanne": [
        Say(
            MARIA, 7, "11:00",
            "Mitä aiempia selvityksiä kirjallisuuskatsaukseen on otettu mukaan? Maakuntien "
            "liitoilla on omia kokemuksia esimerkiksi alueiden välisistä kehittämisohjelmista, ja "
            "niistä olisi hyvä oppia.",
            kind=Q,
            quote="Lisäksi käydään läpi aiheeseen liittyvää selvitys- ja tutkimuskirjallisuutta.",
            triage=ANSWERED,
            replies=(
                Say(
                    M, 8, "10:20",
                    "Katsaukseen on tähän mennessä koottu kansallisia aluekehittämisen arviointeja ja "
                    "aiempien verkosto-ohjelmien loppuraportteja. Otamme mielellämme vastaan "
                    "vinkkejä: voit lisätä ne vastauksena tähän.",
                    replies=(
                        Say(
                            MARIA, 8, "14:00",
                            "Kiitos. Lähetän liiton aiemman arvioinnin tiivistelmän, siinä on hyviä "
                            "havaintoja koordinaation kustannuksista.",
                        ),
                    ),
                ),
            ),
        ),
        Say(
            EERO, 16, "09:30",
            "Uudistusten läpikäynnissä kannattaa katsoa myös, miten aiemmat verkosto-ohjelmat "
            "päättyivät. Usein toiminta hiipui, kun ohjelmakausi loppui, eikä verkostoilla ollut "
            "muuta rahoituspohjaa.",
            quote="aluekehittämisjärjestelmää koskeviin uudistuksiin",
            agree=(AINO, SATU),
            themes=("rahoitus",),
            links=(Link("maararaha", SUPPORTS, "pysyvyys", "Ohjelmakauden päättyminen katkaisi verkostot."),),
            triage=USED,
        ),
    ],
    "vaihe-2-hyvat-kaytannot-ja-haasteet": [
        Say(
            JOHANNA, 7, "16:30",
            "Det är bra att de nordiska länderna är med. I Sverige har regionerna ett tydligare "
            "eget ansvar för utvecklingen, och nätverken mellan dem finansieras delvis av "
            "regionerna själva. Det vore intressant att jämföra hur det påverkar engagemanget.",
            quote="erityisesti pohjoismaissa",
            agree=(KAISA, EERO),
            themes=("pohjoismaat",),
            links=(Link("yhteis", SUPPORTS, "pysyvyys", "Ruotsissa alueet rahoittavat verkostoja osin itse."),),
            triage=USED,
            replies=(
                Say(
                    EERO, 8, "09:00",
                    "Ruotsin vertailu on tärkeä, samoin Norjan alueuudistus. Pohjoismaisessa "
                    "vertailussa pitää kuitenkin muistaa, että alueiden asema ja verotusoikeus "
                    "poikkeavat Suomesta.",
                    agree=(JOHANNA, TIMO),
                    replies=(
                        Say(
                            JOHANNA, 8, "12:15",
                            "Absolut, det är en viktig skillnad. Men just därför kunde man lära sig "
                            "av hur de små kommunerna deltar i nätverken där.",
                        ),
                    ),
                ),
            ),
        ),
        Say(
            ANTTI, 17, "14:30",
            "Kiinnostavia teemoja meillä ovat ainakin kiertotalous, osaajien saatavuus ja "
            "logistiikka. Kaikkia ei kannata viedä yhteen verkostoon, vaan teemoittain.",
            quote="alueiden kiinnostus verkostoitumiseen sisällöllisten teemojen tai toimintamallien suhteen",
            agree=(VILLE, SATU),
            themes=("elinkeinot",),
            links=(Link("teemat", SUPPORTS, None, "Verkostot teemoittain."),),
            triage=USED,
        ),
        Say(
            HELENA, 18, "18:00",
            "Kylätoiminnan näkökulmasta tärkein tuki on ihmisten aika: joku, joka kutsuu koolle ja "
            "kirjaa sovitun. Pienet yhdistykset eivät pysty osallistumaan verkostoihin, joissa "
            "jokaiseen tapaamiseen pitää matkustaa.",
            quote="tarpeet alueiden välisen yhteistyön tuelle",
            agree=(MIKKO, KAISA),
            themes=("maaseutu", "vertaisoppiminen"),
        ),
    ],
    "vaihe-3-toimintamallien-muotoilu": [
        Say(
            RIIKKA, 9, "08:40",
            "Milloin ja missä kolmannen vaiheen työpajat järjestetään? Olisi hyvä, että niihin "
            "voisi osallistua myös etänä, jotta Itä- ja Pohjois-Suomesta ei tarvitse matkustaa "
            "koko päivää.",
            kind=Q,
            quote="Mallien muotoilu tapahtuu vuorovaikutteisesti alueiden edustajien, ministeriöiden sekä keskeisten muiden sidosryhmien kanssa.",
            agree=(OLLI, MIKKO),
            triage=ANSWERED,
            replies=(
                Say(
                    M, 9, "13:00",
                    "Työpajoja on suunniteltu syyskuulle, ja jokaiseen voi osallistua myös etänä. "
                    "Julkaisemme ajat tässä työtilassa heti, kun ne on sovittu.",
                    replies=(
                        Say(
                            OLLI, 10, "08:10",
                            "Hyvä, kiitos. Etäosallistuminen on Lapista katsottuna välttämätöntä.",
                        ),
                    ),
                ),
            ),
        ),
        Say(
            TUOMAS, 17, "10:30",
            "Vaihtoehtoja muotoiltaessa kannattaa pitää mielessä, että eri ministeriöillä on omat "
            "aluetason verkostonsa. Uusi malli toimii vain, jos se kokoaa olemassa olevaa eikä "
            "perusta rinnalle uutta.",
            quote="muotoillaan vaihtoehdot alueiden välisen verkostoyhteistyön toimintamalleiksi",
            agree=(OLLI, JUSSI, PETRI),
            themes=("hallinto",),
            links=(
                Link("foorumi", SUPPORTS, "keveys", "Kokoaa olemassa olevia verkostoja."),
                Link("aluetasot", CHANGE, "keveys", "Ministeriöiden omat verkostot mukaan koordinaatioon."),
            ),
            triage=USED,
        ),
        Say(
            VILLE, 20, "21:05",
            "Osallistuuko työpajoihin myös yrityksiä? Elinkeinoelämän näkökulma jää helposti "
            "vähälle, jos paikalla on vain viranomaisia.",
            kind=Q,
            pending=True,
        ),
        Say(
            JUSSI, 10, "10:00",
            "Kolmas vaihe alkaa syyskuussa, ja syyskuu on maakuntien liitoissa talousarvion valmistelun aikaa. Työpajojen "
            "ajoituksessa kannattaa huomioida, etteivät ne osu päällekkäin maakuntahallitusten "
            "kokousten kanssa.",
            agree=(MARIA, OLLI),
            triage=READ,
        ),
        Say(
            MIKKO, 19, "09:15",
            "Hankkeen aikataulu on tiukka. Ehditäänkö vaihtoehtojen vaikutuksia arvioida kunnolla, jos "
            "mallit muotoillaan vasta syksyllä?",
            kind=Q,
            agree=(TIINA,),
            themes=("arviointi",),
            triage=ANSWERED,
            replies=(
                Say(
                    TIMO, 19, "15:30",
                    "Ennakkoarviointi voi olla kevyt ja silti hyödyllinen, kunhan sen rajaukset "
                    "kerrotaan avoimesti.",
                    replies=(
                        Say(
                            M, 20, "09:00",
                            "Aikataulu on tiivis, siksi arviointia tehdään jo nyt keskustelun "
                            "rinnalla eikä vasta lopuksi. Arviointimatriisista näkee, mihin "
                            "kommentteihin kukin arvio nojaa.",
                        ),
                    ),
                ),
            ),
        ),
    ],
    "konsortio-ja-kumppanit": [
        Say(
            SANNA, 6, "09:20",
            "On hyvä, että MAL- ja seutukaupunkiverkostot ovat kumppaneina. Keskisuuret "
            "kaupunkiseudut, jotka eivät kuulu kumpaankaan, jäävät kuitenkin helposti väliin. "
            "Miten niiden ääni kuuluu selvityksessä?",
            kind=Q,
            quote="Hankkeen kumppanitahoina ovat lisäksi MAL- ja seutukaupunkiverkostot.",
            agree=(TIINA, SATU, AINO),
            themes=("mal", "seutukaupungit"),
            links=(
                Link("aluetasot", CHANGE, "tasapaino", "Keskisuuret kaupunkiseudut jäävät verkostojen väliin."),
            ),
            triage=USED,
            replies=(
                Say(
                    M, 7, "08:50",
                    "Keskisuuret kaupunkiseudut ovat mukana toisen vaiheen haastatteluissa. Kiitos, "
                    "että nostit asian: kirjaamme sen myös arviointiin alueellisen tasapainon "
                    "kohdalle.",
                    replies=(
                        Say(
                            TIINA, 7, "11:30",
                            "Hyvä kuulla. Harjulan kaltaiset kaupungit ovat juuri tätä "
                            "väliinputoajien joukkoa.",
                            agree=(SANNA,),
                        ),
                    ),
                ),
            ),
        ),
        Say(
            LAURA, 13, "14:00",
            "Julkaistaanko selvityksen väliraportit myös täällä vai vain tietokayttoon.fi-"
            "sivustolla?",
            kind=Q,
            quote="Lisätietoja hankkeesta on tietokayttoon.fi-sivustolla.",
            triage=ANSWERED,
            replies=(
                Say(
                    M, 13, "16:10",
                    "Väliaineistot julkaistaan tässä työtilassa, ja loppuraportti sekä "
                    "tietokayttoon.fi-sivustolla että täällä.",
                ),
            ),
        ),
    ],
    "loppuseminaari": [
        Say(
            SANNA, 12, "11:45",
            "Tallennetaanko seminaari? Kaikki kiinnostuneet eivät pääse seuraamaan "
            "torstai-iltapäivänä.",
            kind=Q,
            quote="Tilaisuutta voi seurata myös etänä Skype-yhteydellä.",
            agree=(KAISA, LAURA),
            triage=ANSWERED,
            replies=(
                Say(
                    M, 12, "13:20",
                    "Seminaari tallennetaan, ja tallenne sekä esitysaineistot julkaistaan tässä "
                    "työtilassa seminaarin jälkeen.",
                ),
            ),
        ),
        Say(
            EERO, 19, "10:10",
            "Paneeliin olisi hienoa saada myös joku norjalaisista alueista: Norjan alueuudistuksen "
            "kokemukset verkostojen roolista ovat tuoreita ja vertailukelpoisia.",
            kind=P,
            quote="Paneelikeskustelu, jossa kuullaan terveisiä Ruotsista ja muista pohjoismaista aluekehittämisen verkostoista.",
            agree=(JOHANNA,),
            themes=("pohjoismaat",),
            triage=READ,
        ),
        Say(
            KAISA, 20, "17:30",
            "Onko seminaarin jälkeen yhteinen kahvitilaisuus? Saaristosta tullessa "
            "lautta-aikataulut pitää suunnitella etukäteen.",
            kind=Q,
            triage=TriageStatus.OUT_OF_SCOPE,
        ),
    ],
}  # fmt: skip


ALTERNATIVES_PUBLISHED_DAY = 13
"""The alternatives shown to participants were published on this day of the period."""

ON_ALTERNATIVES: dict[str, list[Say]] = {
    "foorumi": [
        Say(
            MIKKO, 14, "08:50",
            "Tämä on pienelle kunnalle realistisin vaihtoehto. Toivon, että verkostopäivät "
            "kiertävät eri puolilla Suomea eivätkä ole aina Helsingissä.",
            quote="osallistuminen vapaaehtoista ja etänäkin mahdollista",
            agree=(OLLI, HELENA, RIIKKA),
            links=(Link("foorumi", SUPPORTS, "tasapaino", "Verkostopäivät kiertämään maakunnissa."),),
            triage=USED,
        ),
    ],
    "teemat": [
        Say(
            SANNA, 15, "13:15",
            "Määräaikaisuus on hyvä, mutta kuka päättää, milloin tavoitteet on saavutettu? "
            "Verkoston päättämiselle tarvitaan yhtä selvä menettely kuin sen perustamiselle.",
            kind=Q,
            quote="Verkosto sopii tavoitteensa ja päättyy, kun ne on saavutettu.",
            agree=(TIMO,),
            links=(Link("teemat", Stance.ASKS, "keveys", "Verkoston päättämisen menettely."),),
            triage=USED,
            replies=(
                Say(
                    TIMO, 16, "09:40",
                    "Yksi tapa on sopia jo alussa arviointipiste, esimerkiksi kahden vuoden "
                    "kohdalla, jossa verkosto joko jatkaa uusin tavoittein tai päättyy.",
                    agree=(SANNA, PETRI),
                ),
            ),
        ),
    ],
    "aluetasot": [
        Say(
            JUSSI, 16, "11:30",
            "Koordinaatioryhmä on hyvä ajatus, jos siinä ovat mukana myös maakuntien liitot. "
            "Muuten yhteensovitus jää ministeriöiden ja suurten kaupunkien väliseksi.",
            quote="yhteinen koordinaatioryhmä",
            agree=(MARIA, OLLI),
            themes=("hallinto",),
            links=(Link("aluetasot", CHANGE, "tasapaino", "Maakuntien liitot koordinaatioryhmään."),),
            triage=USED,
        ),
    ],
    "maararaha": [
        Say(
            AINO, 17, "10:00",
            "Pysyvä perusrahoitus sihteeristölle ratkaisisi paljon. Haettavien hankkeiden "
            "osuudessa pitäisi kuitenkin välttää raskasta hakumenettelyä.",
            quote="Perusrahoitus sihteeristölle, hankkeet haettavina.",
            agree=(SATU, ANTTI, TIINA),
            themes=("rahoitus",),
            links=(Link("maararaha", SUPPORTS, "pysyvyys", "Perusrahoitus sihteeristölle."),),
            triage=USED,
        ),
    ],
    "yhteis": [
        Say(
            HELENA, 18, "19:40",
            "Omarahoitusosuus sulkee helposti pois pienet yhdistykset ja kunnat. Voisiko "
            "omarahoituksen antaa myös työnä eikä vain rahana?",
            kind=P,
            quote="omarahoitusosuuden",
            agree=(MIKKO, KAISA),
            themes=("rahoitus", "maaseutu"),
            links=(Link("yhteis", CHANGE, "tasapaino", "Omarahoitus myös työnä."),),
            triage=USED,
        ),
    ],
}  # fmt: skip
"""Comments on the alternatives' published sections, by alternative."""


def walk(say: Say) -> list[Say]:
    """The comment and all its replies, each before its own."""
    return [say, *(found for reply in say.replies for found in walk(reply))]


def all_comments() -> list[Say]:
    """Every comment above, parents before their replies."""
    threads = [*DISCUSSION.values(), *ON_ALTERNATIVES.values()]
    return [found for says in threads for say in says for found in walk(say)]
