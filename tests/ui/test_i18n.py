"""ui.i18n: French and English define the same texts."""

from ui.i18n import LANGUAGES, STRINGS, t


def test_both_languages_have_the_same_keys():
    assert set(STRINGS) == set(LANGUAGES)
    assert set(STRINGS["fr"]) == set(STRINGS["en"])


def test_placeholders_agree():
    import string

    for key, french in STRINGS["fr"].items():
        fields = {f for _, f, _, _ in string.Formatter().parse(french) if f}
        english = {f for _, f, _, _ in string.Formatter().parse(STRINGS["en"][key]) if f}
        assert fields == english, key


def test_format():
    assert t("col_pop", "fr", year=2024) == "Population 2024"
    assert t("col_pop", "xx", year=2024) == "Population 2024"  # unknown language: French
