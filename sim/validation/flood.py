"""Checks of the flood pulse: the flooded area against OPIDIN's stage–area figures, and the
timing of the peaks at Mopti, Akka and Diré against OPIDIN bulletins.

The stage–area relation (:func:`hazards.flood.flooded_area`) is *built* on some of these
figures (its anchors), so the area check confirms that the curve passes through them and
stays under the topographic maximum; the realised area on the grid, where every reach
follows its own gauge, is the less trivial figure. The peak lags are a least-squares fit
over the same years, so the timing check shows the scatter the fit leaves.

References
----------
.. [1] ONISDIN, flood dynamics: dry-period water cover 3,840 km²; topographic maximum
   36,470 km². https://onisdin.info/en/hydrology/flood-dynamics
.. [2] OPIDIN bulletin 11/2014: Akka 442 cm (±7) between 9 and 13 November → ~12,600 km².
   https://opidin.org/admin/Plone/en/news/bulletins-2014/bulletin-11-2014
.. [3] OPIDIN bulletin 8/2014 (22 Sep 2014): Akka 443 cm (±8) → 12,400 km².
   https://opidin.org/en/news/bulletins-2014/bulletin-8-2014
.. [4] ONISDIN 2016: Mopti peak 657 cm ~19 Oct; Akka peak 22–26 Nov; Diré 3–11 Dec.
   https://onisdin.info/en/news/opidin-predicts-high-floods
.. [5] OPIDIN bulletins 2014 (Mopti 596 cm 23 Oct; Akka 9–13 Nov; Diré 15–23 Nov), 2019
   (Mopti 640 cm 26 Oct; Akka 18–22 Nov; Diré 27 Nov–5 Dec,
   https://opidin.org/fr/actualites/bulletins-2019/bulletin-12-1er-novembre-2019), 2024
   (Mopti 716 cm 8 Nov; Akka 11–15 Dec, https://opidin.org/en/bulletin-19-18-november-2024),
   as gathered in :mod:`hazards.flood`.
.. [6] OPIDIN bulletin of 12 Oct 2022: Mopti 671 cm on 9 Oct 2022, 660 cm reached on 26 Sep.
   https://opidin.org/en/high-flood-in-the-inner-niger-delta-bulletin-12-october-2022
.. [7] OPIDIN technical background: rise and decline 3–5 cm/day.
   https://opidin.org/en/background/technical-background-opidin
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from hazards import flood
from sim.delta.terrain import TOPOGRAPHIC_MAX_FLOOD_KM2
from sim.validation.verdict import Rule, Section, compare

AREA_RULE = Rule(agree=0.05, within=0.15, relative=True)
"""Flooded area: within 5 % agrees (the ±7 cm of OPIDIN's Akka forecast is ±3 % of area at
442 cm), within 15 % within range."""

TIMING_RULE = Rule(agree=0.0, within=5.0, inside="agrees")
"""Peak dates: inside the published window agrees; up to 5 days outside it within range."""

PUBLISHED_AREAS = (
    (
        "dry period (Akka 0 cm)",
        0.0,
        3_840.0,
        "ONISDIN flood dynamics [1]: https://onisdin.info/en/hydrology/flood-dynamics",
    ),
    (
        "Akka 442 cm (2014 forecast)",
        442.0,
        12_600.0,
        "OPIDIN bulletin 11/2014 [2]: https://opidin.org/admin/Plone/en/news/bulletins-2014/bulletin-11-2014",
    ),
    (
        "Akka 443 cm (2014 forecast, Sep)",
        443.0,
        12_400.0,
        "OPIDIN bulletin 8/2014 [3]: https://opidin.org/en/news/bulletins-2014/bulletin-8-2014",
    ),
    (
        "maximum (Akka 1,000 cm)",
        1_000.0,
        TOPOGRAPHIC_MAX_FLOOD_KM2,
        "ONISDIN topographic maximum [1]: https://onisdin.info/en/hydrology/flood-dynamics",
    ),
)
"""(label, Akka stage [cm], published flooded area [km²], source)."""

PUBLISHED_PEAKS = (
    # year, Mopti peak [cm], Mopti peak date, gauge, window (first, last), source
    (
        2014,
        596.0,
        dt.date(2014, 10, 23),
        "Akka",
        (dt.date(2014, 11, 9), dt.date(2014, 11, 13)),
        "OPIDIN bulletin 11/2014 [2]",
    ),
    (
        2014,
        596.0,
        dt.date(2014, 10, 23),
        "Diré",
        (dt.date(2014, 11, 15), dt.date(2014, 11, 23)),
        "OPIDIN bulletins 2014 [5]",
    ),
    (
        2016,
        657.0,
        dt.date(2016, 10, 19),
        "Akka",
        (dt.date(2016, 11, 22), dt.date(2016, 11, 26)),
        "ONISDIN 2016 [4]: https://onisdin.info/en/news/opidin-predicts-high-floods",
    ),
    (
        2016,
        657.0,
        dt.date(2016, 10, 19),
        "Diré",
        (dt.date(2016, 12, 3), dt.date(2016, 12, 11)),
        "ONISDIN 2016 [4]: https://onisdin.info/en/news/opidin-predicts-high-floods",
    ),
    (
        2019,
        640.0,
        dt.date(2019, 10, 26),
        "Akka",
        (dt.date(2019, 11, 18), dt.date(2019, 11, 22)),
        "OPIDIN bulletin 12, 1 Nov 2019 [5]: https://opidin.org/fr/actualites/bulletins-2019/bulletin-12-1er-novembre-2019",
    ),
    (
        2019,
        640.0,
        dt.date(2019, 10, 26),
        "Diré",
        (dt.date(2019, 11, 27), dt.date(2019, 12, 5)),
        "OPIDIN bulletin 12, 1 Nov 2019 [5]: https://opidin.org/fr/actualites/bulletins-2019/bulletin-12-1er-novembre-2019",
    ),
    (
        2024,
        716.0,
        dt.date(2024, 11, 8),
        "Akka",
        (dt.date(2024, 12, 11), dt.date(2024, 12, 15)),
        "OPIDIN bulletin 19, 18 Nov 2024 [5]: https://opidin.org/en/bulletin-19-18-november-2024",
    ),
)
"""Published peak windows downstream of Mopti, with the Mopti peak that led them."""


def check_flooded_area(grid_area_2014_km2: float | None = None) -> Section:
    """The stage–area relation at OPIDIN's published points, and optionally the realised
    area on the grid at the 2014 Akka peak (442 cm forecast → ~12,600 km²)."""
    records = []
    for label, stage, area, source in PUBLISHED_AREAS:
        records.append(
            compare(
                f"flooded area, {label}",
                area,
                flood.flooded_area(stage, gauge="Akka"),
                AREA_RULE,
                source,
                unit="km²",
                notes="an anchor of the curve: a consistency check" if stage in (0.0, 442.0) else "",
            )
        )
    if grid_area_2014_km2 is not None:
        records.append(
            compare(
                "area under water on the grid at the 2014 Akka peak (Mopti 596 cm on 23 Oct 2014)",
                12_600.0,
                grid_area_2014_km2,
                AREA_RULE,
                PUBLISHED_AREAS[1][3],
                unit="km²",
                notes="largest daily area with depth > 0 over all reaches, each following its own gauge; coarse grid (see the note at the top)",
            )
        )
    stages = np.linspace(0.0, 800.0, 161)
    figure = {
        "kind": "stage_area",
        "stages": stages,
        "areas": flood.flooded_area(stages, gauge="Akka"),
        "published": [(stage, area, label) for label, stage, area, _ in PUBLISHED_AREAS if stage <= 800.0],
        "maximum": TOPOGRAPHIC_MAX_FLOOD_KM2,
    }
    intro = (
        "`hazards.flood.flooded_area` turns the stage at Akka into the area of the delta under "
        "water. Its anchors include the dry-period area and OPIDIN's 442 cm point, so those rows "
        "confirm the curve rather than test it independently; the 443 cm point of an earlier 2014 "
        "bulletin and the topographic maximum are not anchors. The last row is the area that the "
        "inundation model actually floods on the grid."
    )
    return Section("flood_area", "Flooded area against OPIDIN's stage–area figures", intro, tuple(records), figure)


def model_peak_date(peak_cm: float, peak_date: dt.date, gauge: str) -> dt.date:
    """Date of the highest stage at ``gauge`` for a Mopti peak of ``peak_cm`` on ``peak_date``."""
    dates = pd.date_range(pd.Timestamp(peak_date) - pd.Timedelta(days=120), periods=300, freq="D")
    stages = flood.stage_hydrograph(dates, peak_cm, peak_date, gauge=gauge)
    return dates[int(np.argmax(stages))].date()


def check_peak_timing() -> Section:
    """Peak dates at Akka and Diré from the model's lags against the published windows."""
    records = []
    rows = []
    for year, mopti_cm, mopti_date, gauge, (first, last), source in PUBLISHED_PEAKS:
        model = model_peak_date(mopti_cm, mopti_date, gauge)
        records.append(
            compare(
                f"{year} {gauge} peak, days after Mopti's ({mopti_cm:.0f} cm on {mopti_date:%d %b})",
                ((first - mopti_date).days, (last - mopti_date).days),
                (model - mopti_date).days,
                TIMING_RULE,
                source,
                unit="day",
                published_text=f"{first:%d %b}–{last:%d %b %Y} ({(first - mopti_date).days}–{(last - mopti_date).days} days)",
                model_text=f"{model:%d %b %Y} ({(model - mopti_date).days} days)",
            )
        )
        rows.append((f"{year} {gauge}", (first - mopti_date).days, (last - mopti_date).days, (model - mopti_date).days))
    intro = (
        "For each year with a published Mopti peak and a published window for the Akka or Diré peak, "
        "the model's hydrograph (`hazards.flood.stage_hydrograph`) is run from the Mopti peak and its "
        "highest day is compared with the window. The lags were fitted on these same years (and 1984, "
        "2006), so the rows show how much scatter one straight line leaves."
    )
    return Section(
        "flood_timing", "Flood-peak timing at Akka and Diré", intro, tuple(records), {"kind": "timing", "rows": rows}
    )


def check_2022_hydrograph() -> Section:
    """The 2022 Mopti hydrograph: its peak, the 660 cm of 26 September, its steepest rise."""
    peak_date = dt.date(2022, 10, 9)
    dates = pd.date_range("2022-06-01", periods=240, freq="D")
    mopti = flood.stage_hydrograph(dates, 671.0, peak_date, gauge="Mopti")
    sofara = flood.stage_hydrograph(dates, 671.0, peak_date, gauge="Sofara")
    source = "OPIDIN bulletin of 12 Oct 2022 [6]: https://opidin.org/en/high-flood-in-the-inner-niger-delta-bulletin-12-october-2022"
    on = {d.date(): k for k, d in enumerate(dates)}
    peak_at = dates[int(np.argmax(mopti))].date()
    records = (
        compare(
            "Mopti 2022 peak stage",
            671.0,
            float(mopti.max()),
            Rule(agree=3.0, within=10.0),
            source,
            unit="cm",
            notes="the scenario's input: a consistency check",
        ),
        compare(
            "Mopti 2022 peak date (days from 9 Oct 2022)",
            0.0,
            (peak_at - peak_date).days,
            Rule(agree=1.0, within=5.0),
            source,
            unit="day",
            notes="the scenario's input: a consistency check",
            published_text="9 Oct 2022",
            model_text=f"{peak_at:%d %b %Y}",
        ),
        compare(
            "Mopti stage on 26 Sep 2022 (13 days before the peak)",
            660.0,
            float(mopti[on[dt.date(2022, 9, 26)]]),
            Rule(agree=5.0, within=15.0),
            source,
            unit="cm",
            notes="not an input: tests the shape of the rising limb",
        ),
        compare(
            "steepest daily rise at Mopti",
            (3.0, 5.0),
            float(np.max(np.diff(mopti))),
            Rule(within=0.5, inside="agrees"),
            "OPIDIN technical background [7]: https://opidin.org/en/background/technical-background-opidin",
            unit="cm/day",
        ),
    )
    figure = {"kind": "hydrograph_2022", "dates": dates, "mopti": mopti, "sofara": sofara}
    intro = (
        "The 2022 scenario gives the model Mopti's peak, 671 cm on 9 October 2022; the shape of "
        "the rise is the model's own (a pulse rising at most 5 cm/day). The bulletin also reports "
        "660 cm on 26 September, which the rising limb must pass through."
    )
    return Section("flood_2022_hydrograph", "The 2022 flood at Mopti", intro, records, figure)
