"""Writes the provider corpus in this folder: small files in each provider's published
layout (exact header from the codebook, its date forms, its missing-value habits).

Run it to regenerate the files (``python tests/data/providers/make_corpus.py``); the
files are committed, so the tests do not need it. README.md says what each file holds.
The events are made up but shaped like the providers' rows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

HERE = Path(__file__).parent

# ---------------------------------------------------------------- ACLED
ACLED_CURRENT = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
ACLED_2015 = [
    "GWNO",
    "EVENT_ID_CNTY",
    "EVENT_ID_NO_CNTY",
    "EVENT_DATE",
    "YEAR",
    "TIME_PRECISION",
    "EVENT_TYPE",
    "ACTOR1",
    "ALLY_ACTOR_1",
    "INTER1",
    "ACTOR2",
    "ALLY_ACTOR_2",
    "INTER2",
    "INTERACTION",
    "COUNTRY",
    "ADMIN1",
    "ADMIN2",
    "ADMIN3",
    "LOCATION",
    "LATITUDE",
    "LONGITUDE",
    "GEO_PRECISION",
    "SOURCE",
    "NOTES",
    "FATALITIES",
]
ACLED_2019 = [
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
]

# ---------------------------------------------------------------- GDELT
_ACTOR = [
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
]
_EVENT = [
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
]


def _gdelt_columns(adm2: bool) -> list[str]:
    cols = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
    cols += [f"Actor1{c}" for c in _ACTOR] + [f"Actor2{c}" for c in _ACTOR] + _EVENT
    geo = [
        "Type",
        "FullName",
        "CountryCode",
        "ADM1Code",
        *(["ADM2Code"] if adm2 else []),
        "Lat",
        "Long",
        "FeatureID",
    ]
    for who in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        cols += [who + c for c in geo]
    return [*cols, "DATEADDED"]


GDELT_V1 = _gdelt_columns(False)  # 57; the daily files add SOURCEURL (58)
GDELT_V2 = [*_gdelt_columns(True), "SOURCEURL"]  # 61


def _names(text: str) -> list[str]:
    """Column names written as the codebook lists them, separated by spaces."""
    return text.split()


# ---------------------------------------------------------------- GTD (135 columns)
GTD = _names(
    "eventid iyear imonth iday approxdate extended resolution country country_txt region "
    "region_txt provstate city latitude longitude specificity vicinity location summary crit1 "
    "crit2 crit3 doubtterr alternative alternative_txt multiple success suicide attacktype1 "
    "attacktype1_txt attacktype2 attacktype2_txt attacktype3 attacktype3_txt targtype1 "
    "targtype1_txt targsubtype1 targsubtype1_txt corp1 target1 natlty1 natlty1_txt targtype2 "
    "targtype2_txt targsubtype2 targsubtype2_txt corp2 target2 natlty2 natlty2_txt targtype3 "
    "targtype3_txt targsubtype3 targsubtype3_txt corp3 target3 natlty3 natlty3_txt gname "
    "gsubname gname2 gsubname2 gname3 gsubname3 motive guncertain1 guncertain2 guncertain3 "
    "individual nperps nperpcap claimed claimmode claimmode_txt claim2 claimmode2 "
    "claimmode2_txt claim3 claimmode3 claimmode3_txt compclaim weaptype1 weaptype1_txt "
    "weapsubtype1 weapsubtype1_txt weaptype2 weaptype2_txt weapsubtype2 weapsubtype2_txt "
    "weaptype3 weaptype3_txt weapsubtype3 weapsubtype3_txt weaptype4 weaptype4_txt "
    "weapsubtype4 weapsubtype4_txt weapdetail nkill nkillus nkillter nwound nwoundus nwoundter "
    "property propextent propextent_txt propvalue propcomment ishostkid nhostkid nhostkidus "
    "nhours ndays divert kidhijcountry ransom ransomamt ransomamtus ransompaid ransompaidus "
    "ransomnote hostkidoutcome hostkidoutcome_txt nreleased addnotes scite1 scite2 scite3 "
    "dbsource INT_LOG INT_IDEO INT_MISC INT_ANY related"
)

# ---------------------------------------------------------------- UCDP GED (49 columns)
UCDP = _names(
    "id relid year active_year code_status type_of_violence conflict_dset_id conflict_new_id "
    "conflict_name dyad_dset_id dyad_new_id dyad_name side_a_dset_id side_a_new_id side_a "
    "side_b_dset_id side_b_new_id side_b number_of_sources source_article source_office "
    "source_date source_headline source_original where_prec where_coordinates "
    "where_description adm_1 adm_2 latitude longitude geom_wkt priogrid_gid country "
    "country_id region event_clarity date_prec date_start date_end deaths_a deaths_b "
    "deaths_civilians deaths_unknown best high low gwnoa gwnob"
)

# ---------------------------------------------------------------- ICEWS (20 columns)
ICEWS = [
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
]


def _rows(header: list[str], rows: list[dict[str, str]], default: str = "") -> list[list[str]]:
    unknown = {k for r in rows for k in r} - set(header)
    assert not unknown, unknown
    return [[r.get(c, default) for c in header] for r in rows]


def write_csv(
    name: str,
    header: list[str],
    rows: list[dict[str, str]],
    *,
    delimiter: str = ",",
    line_end: str = "\n",
    default: str = "",
    encoding: str = "utf-8",
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(_rows(header, rows, default))
    (HERE / name).write_bytes(out.getvalue().encode(encoding))


def gdelt_record(columns: list[str], values: dict[str, str]) -> str:
    return "\t".join(values.get(c, "") for c in columns)


def _gdelt_event(
    gid: str,
    day: str,
    a1: tuple[str, str, str],
    a2: tuple[str, str, str] | None,
    code: str,
    geo: tuple[str, str, str, str, str, str] | None,
    added: str,
    url: str | None = None,
) -> dict[str, str]:
    v = {
        "GLOBALEVENTID": gid,
        "SQLDATE": day,
        "MonthYear": day[:6],
        "Year": day[:4],
        "FractionDate": f"{int(day[:4]) + (int(day[4:6]) - 1) / 12:.4f}",
        "Actor1Code": a1[0],
        "Actor1Name": a1[1],
        "Actor1CountryCode": a1[2],
        "IsRootEvent": "1",
        "EventCode": code,
        "EventBaseCode": code,
        "EventRootCode": code[:2],
        "QuadClass": "1",
        "GoldsteinScale": "3.0",
        "NumMentions": "4",
        "NumSources": "1",
        "NumArticles": "4",
        "AvgTone": "2.5",
        "DATEADDED": added,
    }
    if a2:
        v.update({"Actor2Code": a2[0], "Actor2Name": a2[1], "Actor2CountryCode": a2[2]})
    if geo:
        gtype, name, country, adm1, lat, lon = geo
        for who in ("Actor1Geo_", "ActionGeo_"):
            v.update(
                {
                    f"{who}Type": gtype,
                    f"{who}FullName": name,
                    f"{who}CountryCode": country,
                    f"{who}ADM1Code": adm1,
                    f"{who}Lat": lat,
                    f"{who}Long": lon,
                    f"{who}FeatureID": "-2960561" if gtype == "4" else country,
                }
            )
    else:
        v.update({"Actor1Geo_Type": "0", "Actor2Geo_Type": "0", "ActionGeo_Type": "0"})
    if url is not None:
        v["SOURCEURL"] = url
    return v


MOSCOW = ("4", "Moscow, Moskva, Russia", "RS", "RS48", "55.7522", "37.6156")
BEIJING = ("4", "Beijing, Beijing, China", "CH", "CH22", "39.9289", "116.388")
KYIV = ("4", "Kiev, Kyyiv, Misto, Ukraine", "UP", "UP12", "50.4333", "30.5167")
MANILA = ("4", "Manila, Manila, Philippines", "RP", "RPD9", "14.6042", "120.982")
RUS, CHN = ("RUS", "RUSSIA", "RUS"), ("CHN", "CHINA", "CHN")
UKR, PHL = ("UKR", "UKRAINE", "UKR"), ("PHL", "PHILIPPINES", "PHL")


def gdelt_files() -> None:
    v58 = [*GDELT_V1, "SOURCEURL"]
    backfile = [  # 57 fields: before April 2013 there is no SOURCEURL
        _gdelt_event("251000201", "20130301", RUS, CHN, "036", MOSCOW, "20130302"),
        _gdelt_event("251000202", "20130315", CHN, PHL, "111", BEIJING, "20130316"),
    ]
    daily = [  # 58 fields
        _gdelt_event(
            "256000301",
            "20130401",
            UKR,
            RUS,
            "042",
            KYIV,
            "20130402",
            "http://www.example.com/2013/04/01/kiev-moscow-talks.html",
        ),
        _gdelt_event(
            "256000302",
            "20130402",
            PHL,
            None,
            "010",
            MANILA,
            "20130403",
            "http://www.example.com/2013/04/02/manila-statement.html",
        ),
    ]
    lines = [
        gdelt_record(GDELT_V1, backfile[0]),
        gdelt_record(v58, daily[0]),
        gdelt_record(GDELT_V1, backfile[1]),
        "256000303\t20130403\t201304\t2013",  # a record cut short in transit
        gdelt_record(v58, daily[1]),
    ]
    (HERE / "gdelt_v1_mixed_57_58.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # gdeltPyR / BigQuery: the same records with a header row, comma-separated
    header_rows = [
        _gdelt_event(
            "256000301",
            "20130401",
            UKR,
            RUS,
            "042",
            KYIV,
            "20130402",
            "http://www.example.com/2013/04/01/kiev-moscow-talks.html",
        ),
        _gdelt_event(
            "256000310",
            "20130405",
            RUS,
            UKR,
            "173",
            MOSCOW,
            "20130406",
            "http://www.example.com/2013/04/05/moscow-arrests.html",
        ),
        _gdelt_event(
            "256000311",
            "20130406",
            CHN,
            None,
            "051",
            None,
            "20130407",
            "http://www.example.com/2013/04/06/statement.html",
        ),
    ]
    write_csv("gdelt_v1_with_header.csv", v58, header_rows)
    v2_rows = [
        _gdelt_event(
            "1242000101",
            "20250516",
            RUS,
            CHN,
            "036",
            MOSCOW,
            "20250516123000",
            "https://www.example.com/news/2025/05/16/moscow-beijing-talks",
        ),
        _gdelt_event(
            "1242000102",
            "20250515",
            PHL,
            CHN,
            "112",
            MANILA,
            "20250516124500",
            "https://www.example.com/news/2025/05/16/manila-protest-note",
        ),
    ]
    for r in v2_rows:
        r["ActionGeo_ADM2Code"] = r["ActionGeo_ADM1Code"] + "01"
    write_csv("gdelt_v2_bigquery.csv", GDELT_V2, v2_rows)


def acled_files() -> None:
    common = {
        "disorder_type": "Political violence",
        "region": "Europe",
        "country": "Ukraine",
        "iso": "804",
        "geo_precision": "1",
        "time_precision": "1",
        "source_scale": "National",
        "fatalities": "0",
        "inter1": "8",
        "inter2": "7",
        "interaction": "78",
    }
    rows = [
        {
            **common,
            "event_id_cnty": "UKR1001",
            "event_date": "9-May-20",
            "year": "2020",
            "event_type": "Protests",
            "sub_event_type": "Peaceful protest",
            "actor1": "Protesters (Ukraine)",
            "admin1": "Kyiv City",
            "location": "Kyiv",
            "latitude": "50.4501",
            "longitude": "30.5234",
            "source": "Kyiv Post",
            "notes": "On 9 May 2020, around 50 people protested in Kyiv against the lockdown.",
            "disorder_type": "Demonstrations",
            "timestamp": "1589846400",
        },
        {
            **common,
            "event_id_cnty": "UKR1002",
            "event_date": "12-May-20",
            "year": "2020",
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Shelling/artillery/missile attack",
            "actor1": "Military Forces of Russia (2000-)",
            "assoc_actor_1": "NAF: United Armed Forces of Novorossiya",
            "actor2": "Civilians (Ukraine)",
            "admin1": "Donetsk",
            "location": "Avdiivka",
            "latitude": "48.1394",
            "longitude": "37.7497",
            "source": "Ukrinform; UNIAN",
            "notes": "On 12 May 2020, shelling hit a residential area of Avdiivka.",
            "civilian_targeting": "Civilian targeting",
            "fatalities": "1",
            "timestamp": "1590019200",
        },
        {
            **common,
            "event_id_cnty": "UKR1003",
            "event_date": "1-Jun-20",
            "year": "2020",
            "time_precision": "3",
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "actor1": "Military Forces of Ukraine (2019-)",
            "actor2": "NAF: United Armed Forces of Novorossiya",
            "admin1": "Luhansk",
            "location": "Zolote",
            "latitude": "48.6968",
            "longitude": "38.5119",
            "geo_precision": "2",
            "source": "OSCE",
            "notes": "In June 2020 (month of), clashes were reported near Zolote.",
            "interaction": "12",
            "timestamp": "1591574400",
        },
        {
            **common,
            "event_id_cnty": "UKR1004",
            "event_date": "30-Jun-20",
            "year": "2020",
            "event_type": "Protests",
            "sub_event_type": "Peaceful protest",
            "actor1": "Protesters (Ukraine)",
            "assoc_actor_1": "Labour Group (Ukraine); Miners (Ukraine)",
            "admin1": "Dnipropetrovsk",
            "location": "Kryvyi Rih",
            "latitude": "47.9105",
            "longitude": "33.3918",
            "source": "Ukrainska Pravda",
            "notes": "On 30 June 2020, miners protested unpaid wages in Kryvyi Rih.",
            "disorder_type": "Demonstrations",
            "timestamp": "1594166400",
        },
        {
            **common,
            "event_id_cnty": "UKR1005",
            "event_date": "15-Jul-20",
            "year": "2020",
            "event_type": "Strategic developments",
            "sub_event_type": "Agreement",
            "actor1": "Government of Ukraine (2019-)",
            "actor2": "Government of Russia (2000-)",
            "admin1": "Kyiv City",
            "location": "Kyiv",
            "latitude": "50.4501",
            "longitude": "30.5234",
            "source": "Reuters",
            "notes": "On 15 July 2020, a ceasefire agreement was announced.",
            "disorder_type": "Strategic developments",
            "timestamp": "1595376000",
        },
    ]
    # Excel's re-save: d-mmm-yy dates and CRLF line ends
    write_csv("acled_excel_resave.csv", ACLED_CURRENT, rows, line_end="\r\n")

    nga = {
        "GWNO": "475",
        "COUNTRY": "Nigeria",
        "ADMIN1": "Borno",
        "TIME_PRECISION": "1",
        "GEO_PRECISION": "1",
        "INTER1": "2",
        "INTER2": "7",
        "INTERACTION": "27",
        "YEAR": "2015",
    }
    rows_2015 = [
        {
            **nga,
            "EVENT_ID_CNTY": "NIG8801",
            "EVENT_ID_NO_CNTY": "8801",
            "EVENT_DATE": "03/01/2015",
            "EVENT_TYPE": "Violence against civilians",
            "ACTOR1": "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
            "ACTOR2": "Civilians (Nigeria)",
            "ADMIN2": "Kukawa",
            "LOCATION": "Baga",
            "LATITUDE": "13.1",
            "LONGITUDE": "13.8667",
            "SOURCE": "Vanguard (Nigeria)",
            "NOTES": "Boko Haram attacked Baga and surrounding villages.",
            "FATALITIES": "150",
        },
        {
            **nga,
            "EVENT_ID_CNTY": "NIG8802",
            "EVENT_ID_NO_CNTY": "8802",
            "EVENT_DATE": "14/01/2015",
            "EVENT_TYPE": "Battle-No change of territory",
            "ACTOR1": "Military Forces of Nigeria (2010-2015)",
            "ALLY_ACTOR_1": "Civilian JTF",
            "ACTOR2": "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
            "ADMIN2": "Maiduguri",
            "LOCATION": "Maiduguri",
            "LATITUDE": "11.8333",
            "LONGITUDE": "13.15",
            "SOURCE": "Reuters",
            "INTER1": "1",
            "INTER2": "2",
            "INTERACTION": "12",
            "NOTES": "Troops backed by vigilantes repelled an attack.",
            "FATALITIES": "12",
        },
        {
            **nga,
            "EVENT_ID_CNTY": "NIG8803",
            "EVENT_ID_NO_CNTY": "8803",
            "EVENT_DATE": "22/01/2015",
            "EVENT_TYPE": "Riots/Protests",
            "ACTOR1": "Protesters (Nigeria)",
            "ACTOR2": "",
            "ADMIN1": "FCT",
            "ADMIN2": "Municipal Area Council",
            "LOCATION": "Abuja",
            "LATITUDE": "9.0579",
            "LONGITUDE": "7.4951",
            "SOURCE": "Premium Times",
            "INTER1": "6",
            "INTER2": "0",
            "INTERACTION": "60",
            "NOTES": "Protest over the abducted girls.",
            "FATALITIES": "0",
        },
        {
            **nga,
            "EVENT_ID_CNTY": "NIG8804",
            "EVENT_ID_NO_CNTY": "8804",
            "EVENT_DATE": "05/02/2015",
            "TIME_PRECISION": "3",
            "EVENT_TYPE": "Battle-Government regains territory",
            "ACTOR1": "Military Forces of Chad (1990-)",
            "ALLY_ACTOR_1": "Military Forces of Nigeria (2010-2015)",
            "ACTOR2": "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
            "ALLY_ACTOR_2": "",
            "ADMIN2": "Damboa",
            "LOCATION": "Damboa",
            "LATITUDE": "11.155",
            "LONGITUDE": "12.756",
            "GEO_PRECISION": "2",
            "SOURCE": "AFP",
            "INTER1": "8",
            "INTER2": "2",
            "INTERACTION": "28",
            "NOTES": "Chadian troops retook the town.",
            "FATALITIES": "30",
        },
    ]
    write_csv("acled_2015_upper.csv", ACLED_2015, rows_2015, line_end="\r\n")

    yem = {
        "iso": "887",
        "iso3": "YEM",
        "region": "Middle East",
        "country": "Yemen",
        "time_precision": "1",
        "geo_precision": "1",
        "source_scale": "National",
        "year": "2019",
    }
    rows_2019 = [
        {
            **yem,
            "data_id": "6019001",
            "event_id_cnty": "YEM40101",
            "event_id_no_cnty": "40101",
            "event_date": "2019-08-10",
            "event_type": "Battles",
            "sub_event_type": "Armed clash",
            "actor1": "Southern Transitional Council",
            "assoc_actor_1": "Security Belt Forces; Militia (Pro-STC)",
            "inter1": "3",
            "actor2": "Military Forces of Yemen (2012-) Pro-Hadi",
            "inter2": "1",
            "interaction": "13",
            "admin1": "Aden",
            "admin2": "Craiter",
            "location": "Aden",
            "latitude": "12.7794",
            "longitude": "45.0367",
            "source": "Aden al Ghad",
            "notes": "STC forces seized the presidential palace.",
            "fatalities": "8",
            "timestamp": "1566230400",
        },
        {
            **yem,
            "data_id": "6019002",
            "event_id_cnty": "YEM40102",
            "event_id_no_cnty": "40102",
            "event_date": "2019-08-12",
            "time_precision": "2",
            "event_type": "Explosions/Remote violence",
            "sub_event_type": "Air/drone strike",
            "actor1": "Military Forces of Saudi Arabia (2015-)",
            "inter1": "8",
            "actor2": "Houthis",
            "assoc_actor_2": "",
            "inter2": "3",
            "interaction": "38",
            "admin1": "Al Hudaydah",
            "admin2": "Al Hawak",
            "location": "Hodeidah",
            "latitude": "14.7978",
            "longitude": "42.9545",
            "source": "Saba News Agency",
            "notes": "Coalition airstrikes hit Hodeidah port.",
            "fatalities": "0",
            "timestamp": "1566316800",
        },
        {
            **yem,
            "data_id": "6019003",
            "event_id_cnty": "YEM40103",
            "event_id_no_cnty": "40103",
            "event_date": "2019-08-20",
            "time_precision": "3",
            "event_type": "Protests",
            "sub_event_type": "Peaceful protest",
            "actor1": "Protesters (Yemen)",
            "inter1": "6",
            "inter2": "0",
            "interaction": "60",
            "admin1": "Taizz",
            "admin2": "Al Qahirah",
            "location": "Taizz",
            "latitude": "13.5795",
            "longitude": "44.0209",
            "source": "Yemen Monitor",
            "notes": "Protests against the siege of Taizz in August.",
            "fatalities": "0",
            "timestamp": "1566835200",
        },
    ]
    write_csv("acled_2019_api.csv", ACLED_2019, rows_2019)


def gtd_file() -> None:
    base = {c: "" for c in GTD}
    base.update(
        {
            "extended": "0",
            "vicinity": "0",
            "crit1": "1",
            "crit2": "1",
            "crit3": "1",
            "doubtterr": "0",
            "multiple": "0",
            "success": "1",
            "suicide": "0",
            "individual": "0",
            "property": "0",
            "ishostkid": "0",
            "INT_LOG": "-9",
            "INT_IDEO": "-9",
            "INT_MISC": "0",
            "INT_ANY": "-9",
            "dbsource": "PGIS",
            "weaptype1": "13",
            "weaptype1_txt": "Unknown",
        }
    )
    rows = [
        {
            **base,
            "eventid": "197000000001",
            "iyear": "1970",
            "imonth": "7",
            "iday": "2",
            "country": "58",
            "country_txt": "Dominican Republic",
            "region": "2",
            "region_txt": "Central America & Caribbean",
            "provstate": "National",
            "city": "Santo Domingo",
            "latitude": "18.456792",
            "longitude": "-69.951164",
            "specificity": "1",
            "attacktype1": "1",
            "attacktype1_txt": "Assassination",
            "targtype1": "14",
            "targtype1_txt": "Private Citizens & Property",
            "target1": "Julio Guzman",
            "gname": "MANO-D",
            "nkill": "1",
            "nwound": "0",
        },
        {
            **base,
            "eventid": "197000000002",
            "iyear": "1970",
            "imonth": "0",
            "iday": "0",
            "country": "130",
            "country_txt": "Mexico",
            "region": "1",
            "region_txt": "North America",
            "provstate": "Federal",
            "city": "Mexico city",
            "latitude": "19.371887",
            "longitude": "-99.086624",
            "specificity": "1",
            "attacktype1": "6",
            "attacktype1_txt": "Hostage Taking (Kidnapping)",
            "targtype1": "7",
            "targtype1_txt": "Government (Diplomatic)",
            "target1": "Nadine Chaval, daughter",
            "gname": "23rd of September Communist League",
            "nkill": "0",
            "nwound": "0",
            "ishostkid": "1",
            "nhostkid": "1",
        },
        {
            **base,
            "eventid": "197001000001",
            "iyear": "1970",
            "imonth": "1",
            "iday": "0",
            "country": "160",
            "country_txt": "Philippines",
            "region": "5",
            "region_txt": "Southeast Asia",
            "provstate": "Tarlac",
            "city": "Unknown",
            "latitude": "15.478598",
            "longitude": "120.599741",
            "specificity": "4",
            "attacktype1": "1",
            "attacktype1_txt": "Assassination",
            "targtype1": "10",
            "targtype1_txt": "Journalists & Media",
            "target1": "Employee",
            "gname": "Unknown",
            "nkill": "1",
            "nwound": "0",
        },
        {
            **base,
            "eventid": "201701010001",
            "iyear": "2017",
            "imonth": "1",
            "iday": "1",
            "country": "209",
            "country_txt": "Turkey",
            "region": "10",
            "region_txt": "Middle East & North Africa",
            "provstate": "Istanbul",
            "city": "Istanbul",
            "latitude": "41.106178",
            "longitude": "28.689863",
            "specificity": "1",
            "summary": "01/01/2017: An assailant opened fire on a nightclub in Istanbul, Turkey.",
            "attacktype1": "2",
            "attacktype1_txt": "Armed Assault",
            "targtype1": "1",
            "targtype1_txt": "Business",
            "target1": "Reina Nightclub",
            "gname": "Islamic State of Iraq and the Levant (ISIL)",
            "claimed": "1",
            "weaptype1": "5",
            "weaptype1_txt": "Firearms",
            "nkill": "39",
            "nwound": "69",
            "scite1": '"Gunman kills 39 at Istanbul nightclub," Reuters, January 1, 2017.',
            "scite2": '"Istanbul attack claimed," BBC News, January 2, 2017.',
            "dbsource": "START Primary Collection",
        },
        {
            **base,
            "eventid": "201506100001",
            "iyear": "2015",
            "imonth": "6",
            "iday": "10",
            "extended": "1",
            "resolution": "7/15/2015",
            "country": "95",
            "country_txt": "Iraq",
            "region": "10",
            "region_txt": "Middle East & North Africa",
            "provstate": "Nineveh",
            "city": "Mosul",
            "latitude": "36.354145",
            "longitude": "43.14357",
            "specificity": "1",
            "summary": "06/10/2015: Assailants abducted 12 civilians in Mosul.",
            "attacktype1": "6",
            "attacktype1_txt": "Hostage Taking (Kidnapping)",
            "targtype1": "14",
            "targtype1_txt": "Private Citizens & Property",
            "gname": "Islamic State of Iraq and the Levant (ISIL)",
            "gname2": "Unknown",
            "nkill": "0",
            "nwound": "0",
            "ishostkid": "1",
            "nhostkid": "12",
            "dbsource": "START Primary Collection",
        },
        {
            **base,
            "eventid": "199801150003",
            "iyear": "1998",
            "imonth": "1",
            "iday": "15",
            "approxdate": "January 15-17, 1998",
            "country": "4",
            "country_txt": "Afghanistan",
            "region": "6",
            "region_txt": "South Asia",
            "provstate": "Unknown",
            "city": "Unknown",
            "latitude": "",
            "longitude": "",
            "specificity": "5",
            "attacktype1": "3",
            "attacktype1_txt": "Bombing/Explosion",
            "targtype1": "2",
            "targtype1_txt": "Government (General)",
            "gname": "Taliban",
            "nkill": "",
            "nwound": "",
            "weaptype1": "6",
            "weaptype1_txt": "Explosives",
        },
    ]
    write_csv("globalterrorismdb.csv", GTD, rows)


def ucdp_file() -> None:
    def event(**v: str) -> dict[str, str]:
        row = {
            "active_year": "1",
            "code_status": "Clear",
            "number_of_sources": "1",
            "event_clarity": "1",
            "deaths_a": "0",
            "deaths_b": "0",
            "deaths_civilians": "0",
            "deaths_unknown": "0",
        }
        row.update(v)
        row["geom_wkt"] = f"POINT ({row['longitude']} {row['latitude']})"
        return row

    rows = [
        event(
            id="244657",
            relid="SYR-2017-1-299-12",
            year="2017",
            type_of_violence="1",
            conflict_dset_id="299",
            conflict_new_id="299",
            conflict_name="Syria: Government",
            dyad_dset_id="11345",
            dyad_new_id="11345",
            dyad_name="Government of Syria - Syrian insurgents",
            side_a_dset_id="78",
            side_a_new_id="78",
            side_a="Government of Syria",
            side_b_dset_id="4407",
            side_b_new_id="4407",
            side_b="Syrian insurgents",
            source_article=(
                '"Syrian Observatory for Human Rights,2017-07-31,Regime warplanes strike Douma"'
            ),
            source_office="SOHR",
            source_date="2017-07-31",
            source_headline="Regime warplanes strike Douma",
            source_original="SOHR",
            where_prec="1",
            where_coordinates="Douma town",
            adm_1="Rif Dimashq governorate",
            adm_2="Duma district",
            latitude="33.5711",
            longitude="36.4025",
            priogrid_gid="180863",
            country="Syria",
            country_id="652",
            region="Middle East",
            date_prec="1",
            date_start="2017-07-31 00:00:00.000",
            date_end="2017-07-31 00:00:00.000",
            deaths_a="2",
            deaths_civilians="3",
            best="5",
            high="7",
            low="5",
            gwnoa="652",
        ),
        event(
            id="244701",
            relid="SYR-2017-1-299-40",
            year="2017",
            type_of_violence="1",
            conflict_dset_id="299",
            conflict_new_id="299",
            conflict_name="Syria: Government",
            dyad_dset_id="11345",
            dyad_new_id="11345",
            dyad_name="Government of Syria - Syrian insurgents",
            side_a_dset_id="78",
            side_a_new_id="78",
            side_a="Government of Syria",
            side_b_dset_id="4407",
            side_b_new_id="4407",
            side_b="Syrian insurgents",
            number_of_sources="2",
            source_article=(
                '"Reuters,2017-08-02,Fighting in Jobar";"AFP,2017-08-04,Jobar clashes continue"'
            ),
            source_office="Reuters;AFP",
            source_date="2017-08-02;2017-08-04",
            source_headline="Fighting in Jobar;Jobar clashes continue",
            where_prec="2",
            where_coordinates="Jobar",
            adm_1="Damascus governorate",
            adm_2="Damascus district",
            latitude="33.5301",
            longitude="36.3285",
            priogrid_gid="180862",
            country="Syria",
            country_id="652",
            region="Middle East",
            date_prec="2",
            date_start="2017-08-01 00:00:00.000",
            date_end="2017-08-04 00:00:00.000",
            deaths_a="4",
            deaths_b="9",
            best="13",
            high="15",
            low="13",
            gwnoa="652",
        ),
        event(
            id="251030",
            relid="SOM-2017-3-1125-7",
            year="2017",
            type_of_violence="3",
            conflict_dset_id="1125",
            conflict_new_id="1125",
            conflict_name="Al-Shabaab - Civilians",
            dyad_dset_id="1125",
            dyad_new_id="1125",
            dyad_name="Al-Shabaab - Civilians",
            side_a_dset_id="1091",
            side_a_new_id="1091",
            side_a="Al-Shabaab",
            side_b_dset_id="1",
            side_b_new_id="1",
            side_b="Civilians",
            source_article=(
                '"Garowe Online,2017-09-30,Al-Shabaab executes villagers in September"'
            ),
            source_office="Garowe Online",
            source_date="2017-09-30",
            source_headline="Al-Shabaab executes villagers",
            where_prec="4",
            where_coordinates="Bay region",
            adm_1="Bay region",
            latitude="2.8",
            longitude="43.5",
            priogrid_gid="133847",
            country="Somalia",
            country_id="520",
            region="Africa",
            date_prec="4",
            date_start="2017-09-03 00:00:00.000",
            date_end="2017-09-28 00:00:00.000",
            deaths_civilians="6",
            best="6",
            high="6",
            low="6",
        ),
        event(
            id="253400",
            relid="SOM-2017-1-337-90",
            year="2017",
            type_of_violence="1",
            conflict_dset_id="337",
            conflict_new_id="337",
            conflict_name="Somalia: Government",
            dyad_dset_id="11421",
            dyad_new_id="11421",
            dyad_name="Government of Somalia - Al-Shabaab",
            side_a_dset_id="113",
            side_a_new_id="113",
            side_a="Government of Somalia",
            side_b_dset_id="1091",
            side_b_new_id="1091",
            side_b="Al-Shabaab",
            source_article=(
                '"UN Security Council,2018-01-15,Report of the Secretary-General on Somalia"'
            ),
            source_office="UN",
            source_date="2018-01-15",
            source_headline="Report of the Secretary-General on Somalia",
            where_prec="6",
            where_coordinates="Somalia",
            latitude="6",
            longitude="48",
            priogrid_gid="138336",
            country="Somalia",
            country_id="520",
            region="Africa",
            event_clarity="2",
            date_prec="5",
            date_start="2017-01-01 00:00:00.000",
            date_end="2017-12-31 00:00:00.000",
            deaths_unknown="25",
            best="25",
            high="40",
            low="25",
            gwnoa="520",
        ),
        event(
            id="249876",
            relid="DRC-2017-2-5503-3",
            year="2017",
            type_of_violence="2",
            conflict_dset_id="5503",
            conflict_new_id="5503",
            conflict_name="Kamuina Nsapu - Bana Mura",
            dyad_dset_id="7203",
            dyad_new_id="7203",
            dyad_name="Kamuina Nsapu - Bana Mura",
            side_a_dset_id="6501",
            side_a_new_id="6501",
            side_a="Kamuina Nsapu",
            side_b_dset_id="6502",
            side_b_new_id="6502",
            side_b="Bana Mura",
            source_article='"Radio Okapi,2017-05-20,Clashes near Kamonia"',
            source_office="Radio Okapi",
            source_date="2017-05-20",
            source_headline="Clashes near Kamonia",
            where_prec="1",
            where_coordinates="Kamonia town",
            adm_1="Kasai province",
            adm_2="Kamonia territory",
            latitude="-6.8667",
            longitude="20.9167",
            priogrid_gid="124282",
            country="DR Congo (Zaire)",
            country_id="490",
            region="Africa",
            date_prec="1",
            date_start="2017-05-19 00:00:00.000",
            date_end="2017-05-19 00:00:00.000",
            deaths_a="3",
            deaths_b="5",
            best="8",
            high="8",
            low="8",
        ),
    ]
    write_csv("ged_events.csv", UCDP, rows)


def icews_file() -> None:
    rows = [
        {
            "Event ID": "926685",
            "Event Date": "1995-01-01",
            "Source Name": "Extremist (Russia)",
            "Source Sectors": "Radicals / Extremists / Fundamentalists,Dissident",
            "Source Country": "Russian Federation",
            "Event Text": "Praise or endorse",
            "CAMEO Code": "051",
            "Intensity": "3.4",
            "Target Name": "Boris Yeltsin",
            "Target Sectors": "Elite,Executive,Executive Office,Government",
            "Target Country": "Russian Federation",
            "Story ID": "28235806",
            "Sentence Number": "5",
            "Publisher": "The Toronto Star",
            "City": "Moscow",
            "District": "",
            "Province": "Moskva",
            "Country": "Russian Federation",
            "Latitude": "55.7522",
            "Longitude": "37.6156",
        },
        {
            "Event ID": "926687",
            "Event Date": "1995-01-01",
            "Source Name": "Russia",
            "Source Sectors": "",
            "Source Country": "Russian Federation",
            "Event Text": "Use conventional military force",
            "CAMEO Code": "190",
            "Intensity": "-10",
            "Target Name": "Rebel Group (Russia)",
            "Target Sectors": "Rebel,Insurgents",
            "Target Country": "Russian Federation",
            "Story ID": "28235808",
            "Sentence Number": "1",
            "Publisher": "Agence France-Presse",
            "City": "",
            "District": "",
            "Province": "Chechnya",
            "Country": "Russian Federation",
            "Latitude": "43.3167",
            "Longitude": "45.7",
        },
        {
            "Event ID": "1264703",
            "Event Date": "2001-04-03",
            "Source Name": "China",
            "Source Sectors": "",
            "Source Country": "China",
            "Event Text": "Demand",
            "CAMEO Code": "100",
            "Intensity": "-5",
            "Target Name": "United States",
            "Target Sectors": "",
            "Target Country": "United States",
            "Story ID": "11090741",
            "Sentence Number": "2",
            "Publisher": "Xinhua News Agency",
            "City": "Beijing",
            "District": "",
            "Province": "Beijing",
            "Country": "China",
            "Latitude": "39.9075",
            "Longitude": "116.397",
        },
        {
            "Event ID": "1264710",
            "Event Date": "2001-04-03",
            "Source Name": "Citizen (Ukraine)",
            "Source Sectors": "Social",
            "Source Country": "Ukraine",
            "Event Text": "Demonstrate or rally",
            "CAMEO Code": "141",
            "Intensity": "-6.5",
            "Target Name": "Leonid Kuchma",
            "Target Sectors": "Elite,Executive,Executive Office,Government",
            "Target Country": "Ukraine",
            "Story ID": "11090802",
            "Sentence Number": "1",
            "Publisher": "Agence France-Presse",
            "City": "",
            "District": "",
            "Province": "",
            "Country": "",
            "Latitude": "",
            "Longitude": "",
        },
    ]
    write_csv("icews_events.tab", ICEWS, rows, delimiter="\t")


def generic_files() -> None:
    # a US incident list: no title, no description, the date column named in words,
    # NA/N/A/null for missing values
    header = [
        "Incident ID",
        "Date of Incident (month/day/year)",
        "State",
        "City",
        "Address",
        "Type",
        "Killed",
        "Injured",
        "Latitude",
        "Longitude",
    ]
    rows = [
        {
            "Incident ID": "IN-0001",
            "Date of Incident (month/day/year)": "01/11/2012",
            "State": "Texas",
            "City": "Houston",
            "Address": "1200 Main St",
            "Type": "Shooting",
            "Killed": "1",
            "Injured": "2",
            "Latitude": "29.7523",
            "Longitude": "-95.3648",
        },
        {
            "Incident ID": "IN-0002",
            "Date of Incident (month/day/year)": "01/25/2012",
            "State": "Texas",
            "City": "Dallas",
            "Address": "400 Elm St",
            "Type": "null",
            "Killed": "0",
            "Injured": "1",
            "Latitude": "32.7795",
            "Longitude": "-96.8063",
        },
        {
            "Incident ID": "IN-0003",
            "Date of Incident (month/day/year)": "02/03/2012",
            "State": "NA",
            "City": "NA",
            "Address": "N/A",
            "Type": "Shooting",
            "Killed": "0",
            "Injured": "0",
            "Latitude": "NA",
            "Longitude": "N/A",
        },
        {
            "Incident ID": "IN-0004",
            "Date of Incident (month/day/year)": "02/14/2012",
            "State": "-",
            "City": "None",
            "Address": "Riverside Park",
            "Type": "-",
            "Killed": "2",
            "Injured": "0",
            "Latitude": "30.2672",
            "Longitude": "-97.7431",
        },
    ]
    write_csv("incidents_no_title.csv", header, rows)

    # an earthquake catalogue: "origintime" with a named zone, no title
    quakes = ["origintime", "latitude", "longitude", "depth", "mag", "magtype", "region"]
    rows_q = [
        {
            "origintime": "2012-01-11 10:30:05 UTC",
            "latitude": "61.2181",
            "longitude": "-149.9003",
            "depth": "35.0",
            "mag": "4.1",
            "magtype": "ml",
            "region": "Southern Alaska",
        },
        {
            "origintime": "Jan 11 2012 18:02 CST",
            "latitude": "35.5951",
            "longitude": "-97.2",
            "depth": "5.0",
            "mag": "3.2",
            "magtype": "md",
            "region": "Central Oklahoma",
        },
        {
            "origintime": "Jan 12 2012 CST",
            "latitude": "36.1",
            "longitude": "-97.05",
            "depth": "4.5",
            "mag": "2.8",
            "magtype": "md",
            "region": "Central Oklahoma",
        },
    ]
    write_csv("earthquakes_origintime.csv", quakes, rows_q)

    # dates split over year/month/day columns with 0 = unknown, in a sheet of its own
    split = ["Jahr", "Monat", "Tag", "Ort", "Land", "Beschreibung"]
    rows_s = [
        {
            "Jahr": "1989",
            "Monat": "11",
            "Tag": "9",
            "Ort": "Berlin",
            "Land": "Germany",
            "Beschreibung": "Fall der Mauer",
        },
        {
            "Jahr": "1990",
            "Monat": "10",
            "Tag": "0",
            "Ort": "Berlin",
            "Land": "Germany",
            "Beschreibung": "Einheit, Tag unbekannt",
        },
        {
            "Jahr": "1991",
            "Monat": "0",
            "Tag": "0",
            "Ort": "Bonn",
            "Land": "Germany",
            "Beschreibung": "Hauptstadtbeschluss, nur das Jahr",
        },
        {
            "Jahr": "1991",
            "Monat": "13",
            "Tag": "1",
            "Ort": "Bonn",
            "Land": "Germany",
            "Beschreibung": "Monat 13 gibt es nicht",
        },
    ]
    write_csv("split_dates_custom.csv", split, rows_s)


if __name__ == "__main__":
    acled_files()
    gdelt_files()
    gtd_file()
    ucdp_file()
    icews_file()
    generic_files()
    assert len(GTD) == 135, len(GTD)
    assert len(UCDP) == 49, len(UCDP)
    assert len(GDELT_V1) == 57 and len(GDELT_V2) == 61
