"""The VALUMA study's description (shared/seed/valuma-hanke.txt) as pages and sections.

Every statement comes from that description; only the arrangement and the headings are ours.
"""

WORKSPACE_SLUG = "valuma"
WORKSPACE_TITLE = "Aluekehittämisen verkostoyhteistyön toimintamalli (VALUMA-hanke)"
WORKSPACE_SUMMARY = (
    "Valtioneuvosto on tilannut selvityshankkeen, joka tuottaa tietoa erilaisista "
    "toimintamalleista ja rahoitusvaihtoehdoista aluekehittämisen verkostoyhteistyölle. "
    "Tässä työtilassa on selvityksen ajantasainen aineisto: tutustu selvityksen taustaan, "
    "tilanteeseen ja materiaaleihin ja kommentoi niitä osio kerrallaan. "
    "Tämä on esittely, joka toistaa vuosina 2019–2020 tehdyn selvityksen: sen tekstit ovat "
    "sellaisinaan, ja kommentointi on asetettu alkaneeksi kolme viikkoa sitten. "
    "Keskustelu on keksitty esittelyä varten: sen osallistujat, organisaatiot ja kommentit "
    "ovat kuvitteellisia."
)

MODERATOR_EMAIL = "moderaattori@valuma.example"
ADMIN_EMAIL = "admin@valuma.example"
ACCOUNT_NAMES = {
    MODERATOR_EMAIL: ("Hankkeen moderaattori", "VALUMA-konsortio"),
    ADMIN_EMAIL: ("Ylläpitäjä", "VALUMA-konsortio"),
}
"""The names the demo's own accounts start with."""

PAGES = [
    {
        "slug": "tausta",
        "title": "Tausta",
        "intro": "Miksi selvitys tehdään, mitä sillä tavoitellaan ja mihin sen tuloksia tarvitaan.",
        "sections": [
            {
                "slug": "selvityksen-tarkoitus",
                "heading": "Selvityksen tarkoitus",
                "body": """\
Valtioneuvosto on tilannut selvityshankkeen, joka tuottaa tietoa erilaisista toimintamalleista ja rahoitusvaihtoehdoista aluekehittämisen verkostoyhteistyölle.

Käytännössä kyse on siitä, millaisia ovat vaikuttavat kaupunkien ja alueiden väliset yhteistyömuodot aluekehittämisessä. On tärkeä tunnistaa mihin ja miten aluekehittämisen resursseja pitäisi jatkossa kohdistaa, jotta verkostoyhteistyö olisi alueiden kehittämisen kannalta vaikuttavaa.

Tarkoituksena on tukea hallitusohjelman mukaista alue- ja kaupunkikehittämisen verkostoyhteistyön käynnistämistä sekä kansallisten alueiden kehittämisen painopisteiden ja instrumenttien valmistelua. Hanke on osa valtioneuvoston päätöksentekoa tukevaa selvitys- ja tutkimussuunnitelmaa.
""",
            },
            {
                "slug": "paatavoitteet",
                "heading": "Selvityshankkeen päätavoitteet",
                "body": """\
Selvityshankkeen päätavoitteet ovat:

- kartoittaa vaihtoehdot aluekehittämisen verkostoyhteistyön toimintamalleista ja rahoitusvaihtoehdoista
- tuottaa ehdotuksia verkostoitumisen mahdollisuuksista kaupunki-, maaseutu- ja saaristopolitiikan yhteistyön ja kumppanuuden syventämiseksi.
""",
            },
            {
                "slug": "miksi-tietoa-tarvitaan",
                "heading": "Miksi tietoa tarvitaan",
                "body": """\
Tietoa tarvitaan, jotta alueiden verkostomaista sekä poikkihallinnollista, sektorirajat ylittävää kehittämistyötä voidaan tukea entistä osuvammin.

Erityisen tärkeää on sovittaa verkostotyö mahdollisiin alkavan hallituskauden alueellisen kehittämisen uudistuksiin. Lisäksi mm. kansallisten aluekehittämisen painopisteiden valmistelu vaikuttaa verkostojen toimintaan ja niille asetettaviin odotuksiin.
""",
            },
        ],
    },
    {
        "slug": "kysymykset",
        "title": "Selvitettävät kysymykset",
        "intro": (
            "Hankkeessa selvitetään ja tarkastellaan neljää kysymystä; viides osio kertoo, miten "
            "vaihtoehdot sovitetaan eri alueille. Kommentoi kutakin erikseen."
        ),
        "sections": [
            {
                "slug": "toimintamalli-verkottumiselle",
                "heading": "Toimintamalli omaehtoiselle verkottumiselle",
                "body": """\
Millainen toimintamalli tukisi parhaiten alueiden omaehtoista ja monimuotoista verkottumista sekä vertaisoppimista?
""",
            },
            {
                "slug": "verkostot-ja-painopisteet",
                "heading": "Verkostot ja kansalliset painopisteet",
                "body": """\
Kuinka verkostot voisivat tukea kansallisten alueiden kehittämisen painopisteiden ja muiden tavoitteiden toteutusta?
""",
            },
            {
                "slug": "ennakkoarviointikehikko",
                "heading": "Ennakkoarviointikehikko",
                "body": """\
Millainen ennakkoarviointikehikko verkostomaiselle toimintatavalle voidaan luoda?
""",
            },
            {
                "slug": "toimintamallin-vaikutukset",
                "heading": "Toimintamallin vaikutukset",
                "body": """\
Millaisia vaikutuksia ehdotetulla toimintamallilla tai malleilla voidaan ennakoida olevan?
""",
            },
            {
                "slug": "soveltuvuus-eri-alueille",
                "heading": "Soveltuvuus eri alueille ja aluetasoille",
                "body": """\
Toimintamallien vaihtoehdot arvioidaan ja muotoillaan siten, että ne soveltuvat aluekehittämisen toimintaympäristöön, eri aluetasoille ja sekä kaupunkeihin että maaseutumaisille alueille.
""",
            },
        ],
    },
    {
        "slug": "vaiheet",
        "title": "Aineistonkeruun vaiheet",
        "intro": (
            "Hankkeen tiedonkeruu rakentuu karkeasti kolmesta vaiheesta, joista kaksi ensimmäistä "
            "käynnistyy jo kesän 2019 aikana ja vuorovaikutteisin kolmas vaihe syyskuussa 2019."
        ),
        "sections": [
            {
                "slug": "vaihe-1-uudistukset-ja-tilanne",
                "heading": "Vaihe 1: uudistukset ja alueiden kehittämisen tilanne",
                "body": """\
Ensimmäisessä vaiheessa syvennytään aluekehittämisjärjestelmää koskeviin uudistuksiin ja alueiden kehittämisen tilanteeseen kansallisesti ja alueilla. Lisäksi käydään läpi aiheeseen liittyvää selvitys- ja tutkimuskirjallisuutta.
""",
            },
            {
                "slug": "vaihe-2-hyvat-kaytannot-ja-haasteet",
                "heading": "Vaihe 2: hyvät käytännöt ja haasteet",
                "body": """\
Toisessa vaiheessa kartoitetaan dokumenttien ja haastatteluiden avulla aluekehittämisen verkostoitumisen hyvät käytännöt ja haasteet Suomessa ja valikoiduissa muissa maissa – erityisesti pohjoismaissa.

Lisäksi selvitetään alueiden kiinnostus verkostoitumiseen sisällöllisten teemojen tai toimintamallien suhteen sekä tarpeet alueiden välisen yhteistyön tuelle.
""",
            },
            {
                "slug": "vaihe-3-toimintamallien-muotoilu",
                "heading": "Vaihe 3: toimintamallien muotoilu ja ennakkovaikutusten arviointi",
                "body": """\
Kolmannessa vaiheessa muotoillaan vaihtoehdot alueiden välisen verkostoyhteistyön toimintamalleiksi sekä malleista ennakkovaikutusten arviointi.

Mallien muotoilu tapahtuu vuorovaikutteisesti alueiden edustajien, ministeriöiden sekä keskeisten muiden sidosryhmien kanssa.
""",
            },
        ],
    },
    {
        "slug": "toteutus",
        "title": "Toteuttajat ja aikataulu",
        "intro": "Kuka selvityksen tekee, milloin, ja miten tuloksia esiteltiin loppuseminaarissa.",
        "sections": [
            {
                "slug": "konsortio-ja-kumppanit",
                "heading": "Konsortio ja kumppanit",
                "body": """\
MDI toteuttaa aluekehittämisen verkostoyhteistyön toimintamalleja (VALUMA-hanke) koskevaa selvityshanketta yhdessä Forefront Oy:n ja Nordregion kanssa. Hankkeen toteutuksesta vastaa MDI:n, Forefront Oy:n ja Nordregion muodostama konsortio.

Hankkeen kumppanitahoina ovat lisäksi MAL- ja seutukaupunkiverkostot.

VALUMA-hanke kuuluu valtioneuvoston vuoden 2019 selvitys- ja tutkimussuunnitelmaan. Lisätietoja hankkeesta on tietokayttoon.fi-sivustolla.
""",
            },
            {
                "slug": "aikataulu",
                "heading": "Aikataulu",
                "body": """\
- Hankkeen toteutusaika on 5/2019 – 2/2020.
- Aineistonkeruun kaksi ensimmäistä vaihetta käynnistyvät kesän 2019 aikana.
- Vuorovaikutteisin kolmas vaihe käynnistyy syyskuussa 2019.
- Loppuseminaari pidetään torstaina 13.2.2020.
""",
            },
            {
                "slug": "loppuseminaari",
                "heading": "Loppuseminaari 13.2.2020",
                "body": """\
Tervetuloa torstaina 13.2.2020 klo 13–16 Helsingissä (YM, Aleksanterinkatu 7, Pankkisali) järjestettävään seminaariin aluekehittämisen verkostoyhteistyön toimintamalleista. Tilaisuutta voi seurata myös etänä Skype-yhteydellä.

Tilaisuudessa esitellään valtioneuvoston tilaaman VALUMA-hankkeen tuloksia vaikuttavasta aluekehittämisen verkostoyhteistyöstä. Selvityksessä kartoitetaan erilaisia vaihtoehtoja alueiden väliseen verkostoyhteistyöhön sekä malleja verkostoyhteistyön rahoitukseen. Hankkeessa on koottu tietoa nykytilanteesta ja esimerkkejä aluekehittämisen verkostoyhteistyön malleista meillä Suomessa ja muissa maissa.

Iltapäivän ohjelmassa luvassa muun muassa:

- Selvityshankkeen tulokset
- Aluekehittämisen verkostoyhteistyö TEM:n näkökulmasta
- Paneelikeskustelu, jossa kuullaan terveisiä Ruotsista ja muista pohjoismaista aluekehittämisen verkostoista.

Ilmoittautuminen tilaisuuteen päättyi maanantaina 10.2.
""",
            },
        ],
    },
]

STUDY_STARTED_ON = (2019, 5, 1)
"""The study ran 5/2019–2/2020; the demo's phases keep their distance from this day."""

PHASES = [
    {
        "title": "Vaihe 1: uudistukset ja alueiden kehittämisen tilanne",
        "description": (
            "Aluekehittämisjärjestelmää koskevat uudistukset ja alueiden kehittämisen tilanne "
            "kansallisesti ja alueilla; selvitys- ja tutkimuskirjallisuus."
        ),
        "starts_on": (2019, 5, 1),
        "ends_on": (2019, 8, 31),
        "link": "/osio/vaihe-1-uudistukset-ja-tilanne",
    },
    {
        "title": "Vaihe 2: hyvät käytännöt ja haasteet",
        "description": (
            "Verkostoitumisen hyvät käytännöt ja haasteet Suomessa ja pohjoismaissa dokumenttien "
            "ja haastatteluiden avulla; alueiden kiinnostus verkostoitumiseen."
        ),
        "starts_on": (2019, 6, 1),
        "ends_on": (2019, 10, 31),
        "link": "/osio/vaihe-2-hyvat-kaytannot-ja-haasteet",
    },
    {
        "title": "Vaihe 3: toimintamallien muotoilu",
        "description": (
            "Vaihtoehdot verkostoyhteistyön toimintamalleiksi ja niiden ennakkovaikutusten "
            "arviointi, vuorovaikutteisesti alueiden, ministeriöiden ja sidosryhmien kanssa."
        ),
        "starts_on": (2019, 9, 1),
        "ends_on": (2020, 1, 31),
        "link": "/osio/vaihe-3-toimintamallien-muotoilu",
    },
    {
        "title": "Loppuseminaari",
        "description": "Selvityksen tulokset, TEM:n näkökulma ja pohjoismainen paneelikeskustelu.",
        "starts_on": (2020, 2, 13),
        "ends_on": (2020, 2, 13),
        "link": "/osio/loppuseminaari",
    },
]
"""The three data-collection phases and the final seminar, on their real dates: the first two
start in the summer of 2019 (the first as the study begins), the third in September 2019."""

SEMINAR = {
    "title": "VALUMA-hankkeen loppuseminaari",
    "description": (
        "Tervetuloa seminaariin aluekehittämisen verkostoyhteistyön toimintamalleista. "
        "Tilaisuutta voi seurata myös etänä.\n\n"
        "Tilaisuudessa esitellään valtioneuvoston tilaaman VALUMA-hankkeen tuloksia "
        "vaikuttavasta aluekehittämisen verkostoyhteistyöstä.\n\n"
        "Iltapäivän ohjelmassa luvassa mm.:\n\n"
        "- Selvityshankkeen tulokset\n"
        "- Aluekehittämisen verkostoyhteistyö TEM:n näkökulmasta\n"
        "- Paneelikeskustelu, jossa kuullaan terveisiä Ruotsista ja muista pohjoismaista "
        "aluekehittämisen verkostoista.\n\n"
        "Kutsua saa mielellään välittää edelleen!"
    ),
    "day": (2020, 2, 13),
    "starts": (13, 0),
    "ends": (16, 0),
    "deadline_day": (2020, 2, 10),
    "place": "YM, Pankkisali",
    "address": "Aleksanterinkatu 7, Helsinki",
    "capacity": 80,
    "remote_link": "https://etayhteys.valuma.example/loppuseminaari",
    "contact": "VALUMA-hankkeen projektipäällikkö, valuma-hanke@valuma.example",
}
"""The study's final seminar (the seed's invitation), on the same day as the timeline's last
phase: Thursday 13.2.2020 at 13–16, registration by Monday 10.2., on site or remotely."""

ORGANISERS = ["MDI", "Forefront Oy", "Nordregio"]
"""The consortium that carries out the study."""
PARTNERS = ["MAL-verkosto", "Seutukaupunkiverkosto"]
