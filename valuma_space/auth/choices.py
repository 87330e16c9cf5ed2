"""The fixed, translated lists a profile chooses from."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


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
