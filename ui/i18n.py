"""French-first strings of the app, with their English translations.

Every text a user reads goes through :func:`t`; a missing key is a bug caught by the tests
(both languages must define the same keys).
"""

from __future__ import annotations

LANGUAGES = {"fr": "Français", "en": "English"}
DEFAULT_LANGUAGE = "fr"

STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "app_title": "Delta intérieur du Niger — plans de contingence",
        "language": "Langue",
        "page_delta": "Le delta",
        "delta_intro": (
            "Le delta intérieur du Niger tel que le simulateur le connaît : population par maille, "
            "cercles, fleuves, stations hydrométriques et entrepôts. Tout est calculé sur cette "
            "machine, sans connexion internet."
        ),
        "year": "Année de la population",
        "resolution": "Résolution de la grille (°)",
        "boundaries_approximate": (
            "Limites des cercles **approximatives** (cellules de Voronoï autour des chefs-lieux). "
            "Pour les limites officielles OCHA COD-AB, lancez l'application avec `SIM_BOUNDARIES=FICHIER make run`."
        ),
        "boundaries_official": "Limites des cercles : {source}",
        "map_caption": "Population {year} par km² ; limites de cercles {approx}.",
        "approximate": "approximatives",
        "official": "officielles",
        "metric_population": "Population {year}",
        "metric_cercles": "Cercles",
        "metric_floodplain": "Plaine inondable",
        "table_cercles": "Cercles",
        "table_gauges": "Stations hydrométriques et seuils d'alerte",
        "table_hubs": "Entrepôts et liaisons",
        "col_cercle": "Cercle",
        "col_pcode": "Code P",
        "col_region": "Région",
        "col_capital": "Chef-lieu",
        "col_pop2009": "Population 2009 (RGPH)",
        "col_pop": "Population {year}",
        "col_growth": "Croissance (%/an)",
        "col_boundary": "Limites",
        "col_gauge": "Station",
        "col_river": "Fleuve",
        "col_level": "Seuil",
        "col_level_cm": "Hauteur (cm)",
        "col_hub": "Entrepôt",
        "col_role": "Rôle",
        "col_from": "De",
        "col_to": "À",
        "col_mode": "Mode",
        "col_distance": "Distance (km)",
        "col_time": "Durée",
        "col_seasonal": "Coupée en saison des pluies",
        "yes": "oui",
        "no": "non",
        "mode_road": "route",
        "mode_river": "fleuve",
        "legend_population": "Habitants par km²",
        "legend_rivers": "Fleuves",
        "legend_cercles": "Cercles ({approx})",
        "legend_gauges": "Stations hydrométriques",
        "legend_hubs": "Entrepôts",
        "legend_towns": "Villes",
        "legend_floodplain": "Plaine inondable (max. topographique)",
        "level_dnh_alert": "cote d'alerte DNH",
        "level_danger": "danger",
        "level_eap_orange": "alerte orange Croix-Rouge",
        "level_danger_upper": "haut de la plage de danger",
        "sources": "Sources : RGPH 2009 (INSTAT), OCHA COD-AB, OPIDIN/ONISDIN, Croix-Rouge malienne ; détail dans sim/data/.",
        "error_domain": "Impossible de construire le delta : {error}",
    },
    "en": {
        "app_title": "Inland Niger delta — contingency plans",
        "language": "Language",
        "page_delta": "The delta",
        "delta_intro": (
            "The inland Niger delta as the simulator knows it: population per cell, cercles, "
            "rivers, river gauges and warehouses. Everything is computed on this machine, with "
            "no internet connection."
        ),
        "year": "Population year",
        "resolution": "Grid resolution (°)",
        "boundaries_approximate": (
            "Cercle boundaries are **approximate** (Voronoi cells around the cercle capitals). "
            "For the official OCHA COD-AB boundaries, start the app with `SIM_BOUNDARIES=FILE make run`."
        ),
        "boundaries_official": "Cercle boundaries: {source}",
        "map_caption": "Population {year} per km²; {approx} cercle boundaries.",
        "approximate": "approximate",
        "official": "official",
        "metric_population": "Population {year}",
        "metric_cercles": "Cercles",
        "metric_floodplain": "Floodplain",
        "table_cercles": "Cercles",
        "table_gauges": "River gauges and alert levels",
        "table_hubs": "Warehouses and links",
        "col_cercle": "Cercle",
        "col_pcode": "Pcode",
        "col_region": "Region",
        "col_capital": "Capital",
        "col_pop2009": "Population 2009 (census)",
        "col_pop": "Population {year}",
        "col_growth": "Growth (%/yr)",
        "col_boundary": "Boundary",
        "col_gauge": "Gauge",
        "col_river": "River",
        "col_level": "Level",
        "col_level_cm": "Stage (cm)",
        "col_hub": "Warehouse",
        "col_role": "Role",
        "col_from": "From",
        "col_to": "To",
        "col_mode": "Mode",
        "col_distance": "Distance (km)",
        "col_time": "Travel time",
        "col_seasonal": "Cut in the rainy season",
        "yes": "yes",
        "no": "no",
        "mode_road": "road",
        "mode_river": "river",
        "legend_population": "People per km²",
        "legend_rivers": "Rivers",
        "legend_cercles": "Cercles ({approx})",
        "legend_gauges": "River gauges",
        "legend_hubs": "Warehouses",
        "legend_towns": "Towns",
        "legend_floodplain": "Floodplain (topographic maximum)",
        "level_dnh_alert": "DNH alert level",
        "level_danger": "danger",
        "level_eap_orange": "Red Cross orange alert",
        "level_danger_upper": "top of the danger range",
        "sources": "Sources: 2009 census (INSTAT), OCHA COD-AB, OPIDIN/ONISDIN, Mali Red Cross; details in sim/data/.",
        "error_domain": "Cannot build the delta: {error}",
    },
}


def t(key: str, lang: str, **values) -> str:
    """The text for ``key`` in ``lang``, with ``values`` filled in."""
    table = STRINGS.get(lang, STRINGS[DEFAULT_LANGUAGE])
    text = table[key]
    return text.format(**values) if values else text
