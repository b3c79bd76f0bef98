"""What a season's hazards are asked to be: the rainfall, the storm and the flood of a scenario.

The scenario file (:mod:`sim.scenario`) composes these settings; :func:`hazards.season.hazard_season`
reads them. They stand on :mod:`sim.core.fields` only, so that ``hazards/`` needs nothing of
the floors above it.
"""

from __future__ import annotations

from typing import Literal

import pydantic
from pydantic import Field, model_validator

from sim.core import limits
from sim.core.fields import Date, Measure, Strict, invalid

__all__ = ["StormSettings", "RainfallSettings", "FloodSettings", "PEAK_SPREAD_CM"]


class StormSettings(Strict):
    """A three-day storm over a town, on top of the season's rainfall."""

    place: str = Field(description="Settlement the storm is centred on (e.g. Mopti)")
    date: Date = Field(description="First day of the storm")
    total: Measure("mm", "Rain over the three days at the centre", gt=0.0, le=limits.MAX_STORM_TOTAL_MM, default=None)
    return_period: Measure(
        "year",
        "Return period of the three-day maximum, instead of a total",
        gt=1.0,
        le=limits.MAX_RETURN_PERIOD_YEARS,
        default=None,
    )

    @model_validator(mode="after")
    def _one_size(self, info: pydantic.ValidationInfo):
        if (self.total is None) == (self.return_period is None):
            raise invalid("err_storm_total_or_return_period", "give exactly one of total or return_period")
        places = (info.context or {}).get("places")
        if places and self.place not in places:
            raise invalid(
                "err_unknown_place_known",
                "unknown settlement {place!r}; known: {known}",
                field="place",
                place=self.place,
                known=sorted(places),
            )
        return self


class RainfallSettings(Strict):
    """Where the season's rainfall comes from: the stochastic generator or a catalog layer."""

    source: Literal["generator", "layer"] = Field(
        "generator", description="'generator' (stochastic, seeded) or 'layer' (a hazard-catalog layer)"
    )
    season: Literal["dry", "normal", "wet"] = Field(
        "normal",
        description="Kind of season asked of the generator; with a return period, 'dry' asks for a deficit and 'wet' or 'normal' for an excess",
    )
    return_period: Measure(
        "year",
        "Return period of the seasonal total asked of the generator (a deficit when season is dry)",
        gt=1.0,
        le=limits.MAX_RETURN_PERIOD_YEARS,
        default=None,
    )
    layer: str | None = Field(None, description="Name of a rainfall layer in the hazard catalog (source: layer)")
    storm: StormSettings | None = Field(None, description="A three-day storm over a town")

    @model_validator(mode="after")
    def _consistent(self):
        if self.source == "layer" and not self.layer:
            raise invalid("err_rainfall_layer_needed", "source 'layer' needs a 'layer' name")
        if self.source == "generator" and self.layer:
            raise invalid("err_rainfall_layer_unused", "'layer' is only used with source: layer")
        return self


PEAK_SPREAD_CM = 25.0
"""Standard deviation of the flood peak at Mopti across the members of an ensemble [cm].
References: OPIDIN's own forecast errors in September, when contingency plans are activated:
in 2017 the forecast peak was still 25 cm too high in September (75 cm in early August,
https://www.opidin.org/en/floodforecast, bulletin 10 of 4 Oct 2017); in 2014, 40-50 cm too low
in the first half of September and within 10 cm from late September (last 2014 bulletin,
https://opidin.org/en/). Notes: a season "like 2022" is known to within this much before its peak."""


class FloodSettings(Strict):
    """The fluvial flood of the season, given by its peak at a gauge.

    Members of an ensemble differ in their peak by a normal draw of standard deviation
    ``peak_spread`` (from their own random stream); member 0 is the control and keeps the
    peak as given.
    """

    gauge: str = Field("Mopti", description="Gauge the peak is given at")
    peak: Measure("cm", "Peak stage at the gauge", gt=0.0, le=limits.MAX_STAGE_CM, default=None)
    peak_spread: Measure(
        "cm",
        "Standard deviation of the peak across ensemble members (0 to replay one season exactly)",
        ge=0.0,
        le=limits.MAX_PEAK_SPREAD_CM,
        default=f"{PEAK_SPREAD_CM:g} cm",
    )
    peak_date: Date | None = Field(None, description="Date of the peak at the gauge")
    return_period: Measure(
        "year", "Return period of the peak, instead of a stage", gt=1.0, le=limits.MAX_RETURN_PERIOD_YEARS, default=None
    )
    layer: str | None = Field(
        None, description="Name of a flood-depth or flood-extent layer in the hazard catalog, instead of the model"
    )

    @model_validator(mode="after")
    def _one_way(self):
        given = [name for name in ("peak", "return_period", "layer") if getattr(self, name) is not None]
        if not given:
            raise invalid("err_flood_one_way_none", "give exactly one of peak, return_period or layer (got none)")
        if len(given) != 1:
            raise invalid(
                "err_flood_one_way", "give exactly one of peak, return_period or layer (got {given})", given=given
            )
        return self
