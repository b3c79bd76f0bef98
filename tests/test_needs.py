"""sim.needs: the ration profile (Sphere) and its arithmetic."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sim.core.i18n import catalog
from sim.core.loader import InputError
from sim.core.messages import message_text
from sim.needs import (
    DAYS_PER_MONTH,
    DEFAULT_RATIONS,
    MAX_RATION_QUANTITY,
    MAX_RATIONS_BYTES,
    MAX_UNIT_COST_USD,
    check_rations,
    needs,
    read_rations,
)


def test_default_profile_holds_the_sphere_numbers():
    rations = {r.item: r for r in read_rations()}
    assert rations["water"].quantity == 15 and rations["water"].unit == "L"  # Sphere: 15 L/person/day
    assert rations["cereal"].quantity == pytest.approx(2100 / 3500)  # 2,100 kcal at 3,500 kcal/kg
    assert rations["covered_space"].quantity == 3.5  # Sphere: 3.5 m²/person
    assert rations["mosquito_net"].quantity == pytest.approx(1 / 1.8, abs=1e-4)  # Kilian et al. 2010
    assert rations["soap"].quantity == 0.25 and rations["soap"].per == "person_month"  # 250 g/person/month
    assert rations["latrine"].quantity == 1 / 50  # 1 per 50 at first
    assert all(r.source and r.cost_source for r in rations.values())


def _impact(displaced, food=None, in_need=None, destroyed=None, sites_share=0.34, by_drought=None):
    displaced = np.asarray(displaced, float)[:, None]
    days = pd.date_range("2022-09-01", periods=len(displaced))
    zeros = np.zeros_like(displaced)
    people = np.stack(
        [zeros, displaced, displaced, displaced if in_need is None else np.asarray(in_need, float)[:, None]]
    )
    return xr.Dataset(
        {
            "people": (("count", "day", "cercle"), people),
            "displaced_in_sites": (("day", "cercle"), displaced * sites_share),
            "food_insecure": (("day", "cercle"), zeros if food is None else np.asarray(food, float)[:, None]),
            "destroyed_houses": (
                ("day", "cercle"),
                zeros if destroyed is None else np.asarray(destroyed, float)[:, None],
            ),
            "displaced_by_drought": (
                ("day", "cercle"),
                zeros if by_drought is None else np.asarray(by_drought, float)[:, None],
            ),
        },
        coords={"count": ["exposed", "affected", "displaced", "in_need"], "day": days, "cercle": ["ML0501"]},
    )


def test_hand_sums_for_a_small_caseload():
    # 100 people displaced for three days, 20 destroyed houses, households of 5
    impact = _impact([100, 100, 100, 0], destroyed=[20, 20, 20, 20])
    result = needs(impact, read_rations(), household_size=5.0)
    need = result["need"].sel(cercle="ML0501")
    assert need.sel(item="water").values.tolist() == [1500, 1500, 1500, 0]  # 15 L × 100
    assert need.sel(item="cereal").values[:3] == pytest.approx([60, 60, 60])  # 0.6 kg × 100
    assert need.sel(item="soap").values[0] == pytest.approx(100 * 0.25 / (365.25 / 12))
    assert need.sel(item="nfi_kit").values.tolist() == [20, 0, 0, 0]  # one kit per household, once
    assert need.sel(item="shelter_kit").values.tolist() == [20, 0, 0, 0]  # one per destroyed house
    assert need.sel(item="mosquito_net").values.tolist() == [56, 0, 0, 0]  # ceil(100 / 1.8)
    assert need.sel(item="dignity_kit").values.tolist() == [25, 0, 0, 0]
    assert need.sel(item="latrine").values.tolist() == [1, 0, 0, 0]  # 34 people in sites: ceil(34/50)
    assert need.sel(item="covered_space").values[0] == pytest.approx(34 * 3.5)
    # costs: 20 NFI kits at USD 55
    assert float(result["cost"].sel(item="nfi_kit").sum()) == pytest.approx(20 * 55)


def test_a_failed_harvest_alone_needs_food_not_water_trucking():
    # 1,000 food-insecure people, 50 of whom left home (the drought's displaced, counted
    # among the 1,000): cereal for 1,000 (not 1,050) at 0.6 kg; water and soap only for
    # the 50 displaced: 15 L × 50 = 750 L a day
    impact = _impact([50, 50], food=[1000, 1000], in_need=[1000, 1000], by_drought=[50, 50])
    need = needs(impact, read_rations(), household_size=5.0)["need"].sel(cercle="ML0501")
    assert need.sel(item="cereal").values.tolist() == pytest.approx([600, 600])
    assert need.sel(item="water").values.tolist() == pytest.approx([750, 750])
    assert need.sel(item="soap").values[0] == pytest.approx(50 * 0.25 / (365.25 / 12))


def test_kits_are_whole_numbers_per_household():
    impact = _impact([7, 13, 13])
    result = needs(impact, read_rations(), household_size=5.2)
    kits = result["need"].sel(item="nfi_kit", cercle="ML0501").values
    assert kits.tolist() == [2, 1, 0]  # ceil(7/5.2) = 2, then ceil(13/5.2) = 3
    assert all(float(k).is_integer() for k in kits)


def test_latrines_go_from_one_per_50_to_one_per_20_after_30_days():
    impact = _impact([1000] * 40, sites_share=1.0)
    latrines = needs(impact, read_rations(), 5.0)["need"].sel(item="latrine", cercle="ML0501").values
    assert latrines[0] == 20  # 1000 / 50
    assert latrines[:30].sum() == 20
    assert latrines[30] == 30 and latrines.sum() == 50  # 1000 / 20 after 30 days


def test_drought_needs_food_and_animal_feed():
    impact = _impact([0, 0], food=[1000, 1000])
    need = needs(impact, read_rations(), 5.0)["need"].sel(cercle="ML0501")
    assert need.sel(item="cereal").values.tolist() == pytest.approx([600, 600])
    assert need.sel(item="animal_feed").values.tolist() == pytest.approx([1950, 1950])  # 6.5 kg/TLU × 0.3 TLU


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "water,Eau potable,Drinking water,15,L,",
            "water,Eau potable,Drinking water,15,kg,",
            "water.unit: '15 kg' has the wrong unit: expected L",
        ),
        (
            "water,Eau potable,Drinking water,15,L,",
            "water,Eau potable,Drinking water,-15,L,",
            "water.quantity: must not be negative",
        ),
        (
            "water,Eau potable,Drinking water,15,L,person_day",
            "water,Eau potable,Drinking water,15,L,person_week",
            "water.per: unknown 'person_week'",
        ),
        ("water,Eau potable", "whisky,Eau potable", "item: unknown item 'whisky'"),
    ],
)
def test_bad_profiles_name_file_line_and_field(tmp_path, old, new, message):
    text = DEFAULT_RATIONS.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "rations.csv"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_rations(bad)
    assert str(info.value.problems[0]).startswith(f"{bad}:2: {message}"), str(info.value.problems[0])


# --- refused profiles: one coded line per problem, naming the file, the line and the field ---

HEADER = "item,name_fr,name_en,quantity,unit,per,group,source,unit_cost_usd,cost_unit,cost_source\n"
WATER = "water,Eau,Water,15,L,person_day,wash,Sphere,0.01,USD/L,assumption"
CEREAL = "cereal,Céréales,Cereal,0.6,kg,person_day,fed,Sphere,0.6,USD/kg,OMA"


def _profile(tmp_path, text: str | bytes):
    path = tmp_path / "rations.csv"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _refused(path) -> list:
    """The problems of a refused profile; the same as check_rations gives."""
    with pytest.raises(InputError) as info:
        read_rations(path)
    assert check_rations(path) == info.value.problems
    return info.value.problems


def _one_line(problem, english: str) -> str:
    """``problem`` reads as ``english`` on the command line, has a code both catalogs say, and a French line; returns the French."""
    assert str(problem) == message_text(problem, "en") == english
    assert problem.code in catalog("fr") and problem.code in catalog("en"), problem.code
    french = message_text(problem, "fr")
    assert "\n" not in english and "\n" not in french
    assert french != english and french.startswith(
        f"{problem.file}:{problem.line} : " if problem.line else f"{problem.file} : "
    )
    return french


def test_the_shipped_profile_passes_the_checks():
    assert check_rations(DEFAULT_RATIONS) == []
    # every shipped quantity and cost is inside the bounds, several times over
    for ration in read_rations():
        daily = ration.quantity / (DAYS_PER_MONTH if ration.per == "person_month" else 1.0)
        assert daily * 5 <= MAX_RATION_QUANTITY[ration.unit], ration.item
        assert 0 <= ration.unit_cost_usd * 30 <= MAX_UNIT_COST_USD, ration.item


def test_missing_file_and_folder(tmp_path):
    (problem,) = _refused(tmp_path / "none.csv")
    _one_line(problem, f"{tmp_path / 'none.csv'}: file: no such file")
    assert problem.code == "err_file_missing"
    (problem,) = _refused(tmp_path)
    assert (
        _one_line(problem, f"{tmp_path}: file: is a folder, not a file")
        == f"{tmp_path} : fichier : est un dossier, pas un fichier"
    )


def test_permission_denied(tmp_path, monkeypatch):
    # the tests may run as root, whom chmod 000 does not stop: the refusal the system would give is simulated
    path = _profile(tmp_path, HEADER + WATER + "\n")
    real_open = type(path).open

    def denied(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(path), "open", denied)
    (problem,) = _refused(path)
    _one_line(problem, f"{path}: file: Permission denied")  # the system's own words, after the file
    assert problem.code == "err_file_permission"


def test_latin1_file_is_not_utf8_and_names_the_line(tmp_path):
    # "Céréales" saved as Latin-1: é is the single byte 0xE9, invalid in UTF-8, on line 3
    path = _profile(tmp_path, (HEADER + WATER + "\n" + CEREAL + "\n").encode("latin-1"))
    (problem,) = _refused(path)
    _one_line(problem, f"{path}:3: file: is not UTF-8 text")
    assert problem.code == "err_file_not_utf8"


def test_utf8_with_bom_is_accepted(tmp_path):
    # spreadsheets save "CSV UTF-8" with a byte-order mark before the first column's name; it is not part of "item"
    path = _profile(tmp_path, ("\ufeff" + HEADER + WATER + "\n").encode("utf-8"))
    assert [r.item for r in read_rations(path)] == ["water"]


@pytest.mark.parametrize(
    ("content", "english", "code"),
    [
        # /etc/passwd: text, but its first line names none of the columns
        (
            b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
            ":1: header: not a ration profile: the first line names none of the columns item, quantity, unit, per, group, source, unit_cost_usd, cost_source",
            "err_rations_not_a_profile",
        ),
        # a PNG image: its second byte 0x89 cannot start a UTF-8 character, on line 1
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ":1: file: is not UTF-8 text", "err_file_not_utf8"),
        # valid UTF-8 holding a NUL byte on line 2: binary data, not CSV
        (
            (HEADER + "water\x00\x00\x00\n").encode(),
            ":2: file: holds binary data (a NUL byte), not text",
            "err_file_binary",
        ),
        # French spreadsheets separate columns with ';': one column, named with all the others
        (
            HEADER.replace(",", ";").encode(),
            ":1: header: columns are separated by ';'; save the profile as CSV with commas",
            "err_rations_semicolons",
        ),
        # a header with the columns, but two named quantity: which one holds the quantity?
        (
            HEADER.replace("name_en", "quantity").encode(),
            ":1: header: column(s) quantity appear more than once",
            "err_rations_duplicate_columns",
        ),
        # nothing at all; then only blank lines and a spreadsheet's empty row
        (
            b"",
            ": file: is empty; expected a ration profile (a CSV header line, then one line per item)",
            "err_file_empty",
        ),
        (
            b"\n\n,,,,\n",
            ": file: is empty; expected a ration profile (a CSV header line, then one line per item)",
            "err_file_empty",
        ),
        # a header and no item: every need would be zero
        (HEADER.encode(), ":1: file: has a header but no items", "err_rations_no_items"),
    ],
    ids=["passwd", "png", "nul", "semicolons", "repeated-column", "empty", "blank", "header-only"],
)
def test_files_that_are_not_a_profile(tmp_path, content, english, code):
    path = _profile(tmp_path, content)
    (problem,) = _refused(path)
    _one_line(problem, f"{path}{english}")
    assert problem.code == code


def test_a_file_above_the_size_bound_is_not_read(tmp_path):
    # one byte more than MAX_RATIONS_BYTES (1,000,000): refused before it is parsed
    path = _profile(tmp_path, HEADER + WATER + "\n" + "#" * (MAX_RATIONS_BYTES - len(HEADER) - len(WATER)))
    assert path.stat().st_size == MAX_RATIONS_BYTES + 1
    (problem,) = _refused(path)
    french = _one_line(
        problem, f"{path}: file: is 1,000,001 bytes, more than the 1,000,000 bytes a ration profile may hold"
    )
    assert (
        french == f"{path} : fichier : fait 1\u202f000\u202f001 octets, plus que les 1\u202f000\u202f000 octets permis"
    )


@pytest.mark.parametrize(
    ("row", "english", "code"),
    [
        # the last two fields left off: 9 of the header's 11
        (WATER.rsplit(",", 2)[0], ":2: row: has 9 fields, fewer than the 11 of the header", "err_rations_short_row"),
        # one field alone
        ("water", ":2: row: has 1 field, fewer than the 11 of the header", "err_rations_short_row"),
        # a source with an unquoted comma: 12 fields, and the cost would be read from the source's second half
        (
            WATER.replace(",Sphere,", ",Sphere, 2018,"),
            ":2: row: has 12 fields, more than the 11 of the header; put double quotes around a text that holds a comma",
            "err_rations_long_row",
        ),
        # non-finite numbers: Python's float() reads them, the model must not
        (
            WATER.replace(",15,", ",nan,"),
            ":2: water.quantity: must be a finite number, got nan",
            "err_quantity_not_finite",
        ),
        (
            WATER.replace(",15,", ",inf,"),
            ":2: water.quantity: must be a finite number, got inf",
            "err_quantity_not_finite",
        ),
        (
            WATER.replace(",15,", ",-inf,"),
            ":2: water.quantity: must be a finite number, got -inf",
            "err_quantity_not_finite",
        ),
        (
            WATER.replace(",15,", ",1e400,"),
            ":2: water.quantity: must be a finite number, got 1e400",
            "err_quantity_not_finite",
        ),  # beyond a float: inf
        # a cost of nan used to pass (nan < 0 is false) and make water cost nothing in the totals
        (
            WATER.replace(",0.01,", ",nan,"),
            ":2: water.unit_cost_usd: must be a finite number, got nan",
            "err_quantity_not_finite",
        ),
        (WATER.replace(",15,", ",-15,"), ":2: water.quantity: must not be negative, got -15", "err_not_negative"),
        # 15,000 L per person per day: 75 times the bound of 200 L (twice WHO's optimal access)
        (
            WATER.replace(",15,", ",15000,"),
            ":2: water.quantity: must be at most 200 L per person_day, got 15000 L",
            "err_rations_too_much",
        ),
        # 15 m³ is 15,000 L: converted first, then refused the same way
        (
            WATER.replace(",15,L,", ",15,m**3,"),
            ":2: water.quantity: must be at most 200 L per person_day, got 15 m**3",
            "err_rations_too_much",
        ),
        # per month the bound is 100 kg × 365.25 / 12 = 3043.75 kg (compared as a daily quantity)
        (
            CEREAL.replace(",0.6,kg,person_day,", ",3100,kg,person_month,"),
            ":2: cereal.quantity: must be at most 3043.75 kg per person_month, got 3100 kg",
            "err_rations_too_much",
        ),
        # water is counted in litres (sim/data/items.csv): kilograms are refused, not taken as litres
        (
            WATER.replace(",15,L,", ",15,kg,"),
            ":2: water.unit: '15 kg' has the wrong unit: expected L ([length]**3), got kg ([mass])",
            "err_quantity_wrong_unit",
        ),
        # the French decimal comma, quoted so that the row keeps its 11 fields
        (
            CEREAL.replace(",0.6,kg,", ',"0,6",kg,'),
            ":2: cereal.quantity: '0,6': write decimals with a point (0.6, not 0,6)",
            "err_rations_decimal_comma",
        ),
        (
            WATER.replace(",0.01,", ",-2.50,"),
            ":2: water.unit_cost_usd: must not be negative, got -2.5",
            "err_not_negative",
        ),
        # 20,000 USD for a kit: twice the bound of 10,000 USD (33 times the dearest shipped item, a 300 USD latrine)
        (
            "nfi_kit,Kit,Kit,1,kit,household_once,displaced,Sphere,20000,USD/kit,Oxfam",
            ":2: nfi_kit.unit_cost_usd: must be at most 10,000 USD per kit, got 20000 USD/kit",
            "err_rations_cost_too_high",
        ),
        # a cost in CFA francs cannot be turned into dollars without an exchange rate
        (
            CEREAL.replace(",0.6,USD/kg,", ",400,XOF/kg,"),
            ":2: cereal.cost_unit: '400 XOF/kg' has the wrong unit: expected USD/kg ([currency_usd]/[mass]), got XOF/kg ([currency_xof]/[mass])",
            "err_quantity_wrong_unit",
        ),
    ],
    ids=[
        "short-row",
        "one-field",
        "long-row",
        "nan",
        "inf",
        "minus-inf",
        "overflow",
        "cost-nan",
        "negative",
        "absurd",
        "absurd-converted",
        "absurd-monthly",
        "kg-of-water",
        "decimal-comma",
        "cost-negative",
        "cost-absurd",
        "cost-in-xof",
    ],
)
def test_bad_rows_and_cells(tmp_path, row, english, code):
    path = _profile(tmp_path, HEADER + row + "\n")
    (problem,) = _refused(path)
    _one_line(problem, f"{path}{english}")
    assert problem.code == code


def test_french_lines_of_bounds(tmp_path):
    path = _profile(tmp_path, HEADER + WATER.replace(",15,", ",15000,") + "\n")
    (problem,) = _refused(path)
    assert (
        message_text(problem, "fr")
        == f"{path}:2 : water.quantity : ne doit pas dépasser 200 L par « person_day » (reçu 15\u202f000 L)"
    )


def test_expressions_pint_would_evaluate_forever_are_refused(tmp_path):
    # pint evaluates powers: '9**9**9' as a quantity, or 'L**9**9**9' as a unit, never returns
    path = _profile(
        tmp_path, HEADER + WATER.replace(",15,", ",9**9**9,") + "\n" + CEREAL.replace(",kg,", ",kg**9**9**9,") + "\n"
    )
    first, second = _refused(path)
    _one_line(first, f"{path}:2: water.quantity: not a number: '9**9**9'")
    _one_line(
        second,
        f"{path}:3: cereal.unit: 'kg**9**9**9' is not a unit: write a unit name such as L, kg or kit, joined by * or / and with powers such as **2",
    )
    assert second.code == "err_rations_not_a_unit"


def test_repeated_items_are_refused(tmp_path):
    # needs() labels its rows by item: a second water row would give the 'item' coordinate
    # two 'water' entries (.sel(item='water') returns both) and the logistics' unit_cost dict keeps one
    path = _profile(tmp_path, HEADER + WATER + "\n" + WATER.replace(",15,", ",20,") + "\n")
    (problem,) = _refused(path)
    _one_line(problem, f"{path}:3: item: 'water' is already on line 2; one line per item")
    assert problem.code == "err_rations_duplicate_item"


def test_every_problem_is_one_line_on_its_own_line_number(tmp_path):
    # line 2 blank; line 3 water with a two-line quoted source (lines 3-4); line 5 a spreadsheet's
    # empty row; line 6 cereal with two problems: every problem names the line its row starts on
    text = (
        HEADER
        + "\n"
        + WATER.replace(",Sphere,", ',"Sphere 2018,\nWASH 2.1",').replace(",15,", ",-1,")
        + "\n,,,,,,,,,,\n"
        + CEREAL.replace("person_day", "person_week").replace(",0.6,USD", ",x,USD")
        + "\n"
    )
    path = _profile(tmp_path, text)
    problems = _refused(path)
    assert [str(p) for p in problems] == [
        f"{path}:3: water.quantity: must not be negative, got -1",
        f"{path}:6: cereal.per: unknown 'person_week'; expected one of person_day, person_month, person_once, household_once, destroyed_house_once, person_present",
        f"{path}:6: cereal.unit_cost_usd: not a number: 'x'",
    ]
    for problem in problems:
        _one_line(problem, str(problem))


def test_cost_unit_is_converted_once_at_load(tmp_path):
    # water trucking at 10 USD per m³ is 0.01 USD per litre, the unit water is counted in;
    # 250 g of soap a month is 0.25 kg; a file without cost_unit gives USD per the item's unit
    rows = (
        WATER.replace(",0.01,USD/L,", ",10,USD/m**3,")
        + "\nsoap,Savon,Soap,250,g,person_month,wash,Sphere,2,USD/kg,assumption\n"
    )
    rations = {r.item: r for r in read_rations(_profile(tmp_path, HEADER + rows))}
    assert rations["water"].unit_cost_usd == pytest.approx(0.01) and rations["water"].unit == "L"
    assert rations["soap"].quantity == pytest.approx(0.25) and rations["soap"].unit == "kg"
    plain = tmp_path / "plain.csv"
    plain.write_text(HEADER.replace("cost_unit,", "") + WATER.replace("USD/L,", "") + "\n", encoding="utf-8")
    assert read_rations(plain)[0].unit_cost_usd == 0.01


def test_check_rations_is_empty_when_fine_and_lists_every_problem(tmp_path):
    good = _profile(tmp_path, HEADER + WATER + "\n" + CEREAL + "\n")
    assert check_rations(good) == []
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER + WATER.replace(",15,", ",nan,") + "\n" + CEREAL.replace(",0.6,USD", ",inf,USD") + "\n", encoding="utf-8"
    )
    assert [(p.line, p.field, p.code) for p in check_rations(bad)] == [
        (2, "water.quantity", "err_quantity_not_finite"),
        (3, "cereal.unit_cost_usd", "err_quantity_not_finite"),
    ]
    assert check_rations(tmp_path / "none.csv")[0].code == "err_file_missing"


def test_an_item_marked_not_included_counts_only_when_a_scenario_switches_it_on(tmp_path):
    from sim.needs import active_rations

    rations = read_rations()
    feed = next(r for r in rations if r.item == "animal_feed")
    assert not feed.included and all(r.included for r in rations if r.item != "animal_feed")
    assert "animal_feed" not in {r.item for r in active_rations(rations)}
    assert "animal_feed" in {r.item for r in active_rations(rations, ["animal_feed"])}
    # the column is optional (absent: every item counts) and takes yes or no, nothing else
    path = _profile(tmp_path, HEADER.rstrip("\n") + ",included\n" + WATER.rstrip("\n") + ",maybe\n")
    (problem,) = _refused(path)
    assert problem.field == "water.included" and problem.code == "err_rations_unknown_choice"
    assert all(r.included for r in read_rations(_profile(tmp_path, HEADER + WATER)))
