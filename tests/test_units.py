"""sim.core.units: the registry, quantity parsing and explicit currency conversion."""

import pint
import pytest

from sim.core.units import UnitError, parse_quantity, to_usd, ureg


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("15 L/person/day", "L/person/day", 15.0),  # Sphere water standard
        ("7.5 L/person/day", "L/person/day", 7.5),  # Sphere survival water
        ("3.5 m**2/person", "m**2/person", 3.5),  # Sphere covered space
        ("250 g/person/month", "g/person/month", 250.0),  # Sphere soap
        ("250 g/person/month", "kg/person/year", 3.0),  # hand sum: 0.25 kg × 12
        ("671 cm", "m", 6.71),
        ("2 t", "kg", 2000.0),
        ("5.2 person/household", "person/household", 5.2),
        ("1 kit/household", "kit/household", 1.0),
        ("1500 m**3", "m**3", 1500.0),
    ],
)
def test_parse_quantity_reads_file_strings(text, unit, expected):
    assert float(parse_quantity(text, expected=unit).to(unit).magnitude) == pytest.approx(expected)


def test_force_ndarray_like_for_pint_xarray():
    assert ureg.force_ndarray_like is True
    assert hasattr(parse_quantity("15 L/person/day").magnitude, "shape")


@pytest.mark.parametrize(
    ("text", "unit", "fragment"),
    [
        ("15 kg/person/day", "L/person/day", "expected L/person/day ([length]**3/[person]/[time]), got kg/person/day"),
        ("15", "L/person/day", "got no unit (dimensionless)"),
        ("3 kit", "net", "expected net"),
        ("100 XOF", "USD", "got XOF"),
        ("3 + ", "m/s", "cannot read"),
        ("15 wombats/day", "L/day", "unknown unit"),
        ("", "L", "empty quantity"),
    ],
)
def test_parse_quantity_rejects_wrong_dimension_with_one_line(text, unit, fragment):
    with pytest.raises(UnitError) as info:
        parse_quantity(text, expected=unit)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


def test_household_is_not_a_fixed_number_of_persons():
    with pytest.raises(pint.errors.DimensionalityError):
        ureg.Quantity(1, "household").to("person")


def test_currencies_do_not_convert_without_a_rate():
    with pytest.raises(pint.errors.DimensionalityError):
        ureg.Quantity(600, "XOF").to("USD")
    # hand sum: 6,000 XOF per kit at 600 XOF/USD is 10 USD per kit
    assert to_usd(parse_quantity("6000 XOF/kit"), 600).to("USD/kit").magnitude == pytest.approx(10.0)
    assert to_usd(parse_quantity("7 USD"), 600).magnitude == pytest.approx(7.0)
    with pytest.raises(UnitError):
        to_usd(parse_quantity("1 XOF"), 0)
