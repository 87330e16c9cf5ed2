"""The fixed, translated lists a profile chooses from (organisation type and region).

They live below every domain because two of them use them: a person's profile (auth) and an
invitation (workspaces), which records what the moderator knew of the invitee; auth.choices
re-exports them under their old name."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

E = TypeVar("E", bound=StrEnum)


class OrganisationType(StrEnum):
    MUNICIPALITY = "municipality"
    REGIONAL_COUNCIL = "regional_council"
    MINISTRY = "ministry"
    ELY_CENTRE = "ely_centre"
    DEVELOPMENT_COMPANY = "development_company"
    RESEARCH = "research"
    ASSOCIATION = "association"
    COMPANY = "company"
    NETWORK = "network"
    OTHER = "other"


ORGANISATION_TYPE_LABELS = {
    OrganisationType.MUNICIPALITY: _l("Kunta tai kaupunki"),
    OrganisationType.REGIONAL_COUNCIL: _l("Maakunnan liitto"),
    OrganisationType.MINISTRY: _l("Ministeriö tai valtion virasto"),
    OrganisationType.ELY_CENTRE: _l("ELY-keskus"),
    OrganisationType.DEVELOPMENT_COMPANY: _l("Kehitysyhtiö"),
    OrganisationType.RESEARCH: _l("Yliopisto tai tutkimuslaitos"),
    OrganisationType.ASSOCIATION: _l("Järjestö tai yhdistys"),
    OrganisationType.COMPANY: _l("Yritys"),
    OrganisationType.NETWORK: _l("Verkosto"),
    OrganisationType.OTHER: _l("Muu"),
}


class Region(StrEnum):
    """Finland's regions (maakunnat) with Åland, and two choices beyond them."""

    UUSIMAA = "uusimaa"
    VARSINAIS_SUOMI = "varsinais_suomi"
    SATAKUNTA = "satakunta"
    KANTA_HAME = "kanta_hame"
    PIRKANMAA = "pirkanmaa"
    PAIJAT_HAME = "paijat_hame"
    KYMENLAAKSO = "kymenlaakso"
    ETELA_KARJALA = "etela_karjala"
    ETELA_SAVO = "etela_savo"
    POHJOIS_SAVO = "pohjois_savo"
    POHJOIS_KARJALA = "pohjois_karjala"
    KESKI_SUOMI = "keski_suomi"
    ETELA_POHJANMAA = "etela_pohjanmaa"
    POHJANMAA = "pohjanmaa"
    KESKI_POHJANMAA = "keski_pohjanmaa"
    POHJOIS_POHJANMAA = "pohjois_pohjanmaa"
    KAINUU = "kainuu"
    LAPPI = "lappi"
    AHVENANMAA = "ahvenanmaa"
    NATIONAL = "national"
    ABROAD = "abroad"


REGION_LABELS = {
    Region.UUSIMAA: _l("Uusimaa"),
    Region.VARSINAIS_SUOMI: _l("Varsinais-Suomi"),
    Region.SATAKUNTA: _l("Satakunta"),
    Region.KANTA_HAME: _l("Kanta-Häme"),
    Region.PIRKANMAA: _l("Pirkanmaa"),
    Region.PAIJAT_HAME: _l("Päijät-Häme"),
    Region.KYMENLAAKSO: _l("Kymenlaakso"),
    Region.ETELA_KARJALA: _l("Etelä-Karjala"),
    Region.ETELA_SAVO: _l("Etelä-Savo"),
    Region.POHJOIS_SAVO: _l("Pohjois-Savo"),
    Region.POHJOIS_KARJALA: _l("Pohjois-Karjala"),
    Region.KESKI_SUOMI: _l("Keski-Suomi"),
    Region.ETELA_POHJANMAA: _l("Etelä-Pohjanmaa"),
    Region.POHJANMAA: _l("Pohjanmaa"),
    Region.KESKI_POHJANMAA: _l("Keski-Pohjanmaa"),
    Region.POHJOIS_POHJANMAA: _l("Pohjois-Pohjanmaa"),
    Region.KAINUU: _l("Kainuu"),
    Region.LAPPI: _l("Lappi"),
    Region.AHVENANMAA: _l("Ahvenanmaa"),
    Region.NATIONAL: _l("Valtakunnallinen"),
    Region.ABROAD: _l("Ulkomaat"),
}


def parse_choice(enum_class: type[E], labels: dict[E, object], raw: str) -> E | None:
    """A pasted value read as one of the choices: its code or its Finnish label, in any case
    ("Maakunnan liitto", "regional_council", "MAAKUNNAN LIITTO"). Empty is None; a value that
    is neither raises ValueError."""
    text = " ".join(raw.split()).casefold()
    if not text:
        return None
    for member in enum_class:
        if text == member.value.casefold() or text == member.value.replace("_", "-").casefold():
            return member
    with force_locale("fi"):
        for member, label in labels.items():
            if text == str(label).casefold():
                return member
    raise ValueError(raw)
