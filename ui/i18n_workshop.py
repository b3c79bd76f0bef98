"""French-first texts of the workshop pages (trainer console and team page), with English."""

WORKSHOP_STRINGS: dict[str, dict[str, str]] = {
    "fr": {},
    "en": {},
}
