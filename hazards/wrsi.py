"""The Water Requirement Satisfaction Index (WRSI) of a crop season: a dekadal water balance.

* :func:`wrsi` -- the Water Requirement Satisfaction Index of a millet or sorghum season
  from a dekadal bucket water balance (Frere & Popov, 1979; Senay & Verdin, 2003), with the
  FAO-56 crop coefficients of :func:`crop_coefficients` and the balance of
  :func:`water_balance`;
* :func:`crop_failure` -- WRSI below :data:`CROP_FAILURE_WRSI`.

Vectorized over the spatial grid; the module does no I/O. When the season starts is
:mod:`hazards.start_of_season`'s concern.

References
----------
Allen, R. G., Pereira, L. S., Raes, D. & Smith, M. (1998). Crop evapotranspiration:
    guidelines for computing crop water requirements. FAO Irrigation and Drainage
    Paper 56, Rome. (FAO-56)
Doorenbos, J. & Pruitt, W. O. (1977). Guidelines for predicting crop water
    requirements. FAO Irrigation and Drainage Paper 24, Rome.
Doorenbos, J. & Kassam, A. H. (1979). Yield response to water. FAO Irrigation and
    Drainage Paper 33, Rome.
Frere, M. & Popov, G. F. (1979). Agrometeorological crop monitoring and forecasting.
    FAO Plant Production and Protection Paper 17, Rome.
Senay, G. B. & Verdin, J. (2003). Characterization of yield reduction in Ethiopia
    using a GIS-based crop water balance model. Canadian Journal of Remote Sensing
    29(6), 687-692.
Verdin, J. & Klaver, R. (2002). Grid-cell-based crop water accounting for the famine
    early warning system. Hydrological Processes 16(8), 1617-1630.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

__all__ = [
    "CROPS",
    "CROP_FAILURE_WRSI",
    "CropParameters",
    "crop_coefficients",
    "crop_failure",
    "water_balance",
    "wrsi",
]

CROP_FAILURE_WRSI = 50.0
"""WRSI below this is crop failure [%]. References: Senay & Verdin (2003); the FEWS NET
WRSI classes put "failure" below 50."""


@dataclass(frozen=True)
class CropParameters:
    """Crop coefficients of a crop by growth stage, on a dekadal calendar.

    Attributes
    ----------
    name : str
        Crop name.
    stage_dekads : tuple of int
        Lengths of the initial, development, mid-season and late-season stages
        [dekads]; their sum is the season length.
    kc_ini, kc_mid, kc_end : float
        Crop coefficient [-] in the initial stage, in mid-season and at harvest.
    """

    name: str
    stage_dekads: tuple[int, int, int, int]
    kc_ini: float
    kc_mid: float
    kc_end: float

    @property
    def season_dekads(self) -> int:
        """Season length [dekads]."""
        return int(sum(self.stage_dekads))


CROPS = {
    "millet": CropParameters("millet", (2, 3, 3, 2), kc_ini=0.30, kc_mid=1.00, kc_end=0.30),
    "sorghum": CropParameters("sorghum", (2, 3, 3, 2), kc_ini=0.30, kc_mid=1.00, kc_end=0.55),
}
"""Millet and sorghum, 100-day (10-dekad) cycle as grown in the Sahel.

References
----------
Kc values are those of FAO-56 (Allen et al., 1998), table 12: millet 0.30 / 1.00 / 0.30,
grain sorghum 0.30 / 1.00 / 0.55 (lower end of 1.00-1.10). The stage split 2/3/3/2 dekads
(20/30/30/20 days) puts the stage fractions of FAO-56 table 11 (millet 15/25/40/25 of 105
days) and FAO-33 (Doorenbos & Kassam, 1979: initial 15-20, development 20-30, mid 30-40
[millet] days) onto whole dekads of a 100-day cycle; the FEWS NET GeoWRSI likewise scales
one Kc curve to each crop's length of growing period (Verdin & Klaver, 2002; Senay &
Verdin, 2003).
"""


def crop_coefficients(crop: str | CropParameters = "millet") -> np.ndarray:
    """Crop coefficient of each dekad of the season (FAO-56 Kc curve).

    Constant ``kc_ini`` in the initial stage and ``kc_mid`` in mid-season; linear
    from ``kc_ini`` to ``kc_mid`` over the development stage and from ``kc_mid`` to
    ``kc_end`` over the late stage (Allen et al., 1998, eq. 66), each dekad taking
    the value at its middle: dekad ``j`` (0-based) of an ``n``-dekad linear stage
    from ``a`` to ``b`` gets ``a + (j + 1/2) / n (b - a)``.

    Parameters
    ----------
    crop : str or CropParameters
        A key of :data:`CROPS` or a parameter set.

    Returns
    -------
    numpy.ndarray
        Kc [-], one per season dekad.

    References
    ----------
    Allen et al. (1998), FAO-56, figure 25 and eq. 66; Doorenbos & Pruitt (1977).
    """
    parameters = _crop(crop)
    initial, development, mid, late = parameters.stage_dekads

    def ramp(n: int, a: float, b: float) -> np.ndarray:
        return a + (np.arange(n) + 0.5) / n * (b - a) if n else np.zeros(0)

    return np.concatenate(
        [
            np.full(initial, parameters.kc_ini),
            ramp(development, parameters.kc_ini, parameters.kc_mid),
            np.full(mid, parameters.kc_mid),
            ramp(late, parameters.kc_mid, parameters.kc_end),
        ]
    )


def _crop(crop: str | CropParameters) -> CropParameters:
    if isinstance(crop, CropParameters):
        return crop
    if crop not in CROPS:
        raise ValueError(f"Unknown crop {crop!r}; valid ones are: {', '.join(CROPS)}")
    return CROPS[crop]


def water_balance(
    rain: np.ndarray, requirement: np.ndarray, whc: float = 100.0, initial_soil_water: float = 0.0
) -> np.ndarray:
    """Actual evapotranspiration of a single-bucket soil water balance, step by step.

    Each step the crop takes what it needs from the water available, and the bucket
    keeps at most its holding capacity (the rest runs off or drains):
    ``AET = min(WR, SW + rain)``, ``SW <- min(SW + rain - AET, WHC)`` (Frere & Popov,
    1979; Verdin & Klaver, 2002, without the FAO-56 depletion fraction, i.e. p = 1).

    Parameters
    ----------
    rain : numpy.ndarray
        Rainfall per step [mm], steps along axis 0.
    requirement : numpy.ndarray
        Crop water requirement ``WR = Kc PET`` per step [mm], same shape.
    whc : float
        Soil water holding capacity of the root zone [mm].
    initial_soil_water : float or numpy.ndarray
        Soil water at the start [mm].

    Returns
    -------
    numpy.ndarray
        AET per step [mm], same shape.

    References
    ----------
    Frere & Popov (1979); Verdin & Klaver (2002); Senay & Verdin (2003).
    """
    rain = np.asarray(rain, dtype=float)
    requirement = np.asarray(requirement, dtype=float)
    soil = np.broadcast_to(np.asarray(initial_soil_water, dtype=float), rain.shape[1:]).copy()
    aet = np.empty(np.broadcast_shapes(rain.shape, requirement.shape))
    for step in range(aet.shape[0]):
        available = soil + rain[step]
        aet[step] = np.minimum(requirement[step], available)
        soil = np.minimum(available - aet[step], whc)
    return aet


def wrsi(
    rain_dekad,
    pet_dekad,
    sos_dekad=0,
    crop: str | CropParameters = "millet",
    whc: float = 100.0,
    initial_soil_water: float = 0.0,
):
    """Water Requirement Satisfaction Index of one season (FAO; FEWS NET).

    From the start-of-season dekad, each season dekad ``i`` has the water
    requirement ``WR_i = Kc_i PET_i`` (:func:`crop_coefficients`) and the actual
    evapotranspiration ``AET_i`` of a bucket water balance (:func:`water_balance`);
    ``WRSI = 100 sum(AET) / sum(WR)`` [%] over the season (Frere & Popov, 1979;
    Senay & Verdin, 2003).

    Parameters
    ----------
    rain_dekad : array_like or xarray.DataArray
        Dekadal rainfall [mm/dekad], leading ``dekad`` axis of one year (36 dekads,
        0 = 1-10 January), optional trailing spatial axes.
    pet_dekad : array_like or xarray.DataArray
        Dekadal potential evapotranspiration [mm/dekad], same shape (or
        broadcastable, e.g. one series for all cells).
    sos_dekad : int or array_like
        Start-of-season dekad (0-based index into the dekad axis), a scalar or one
        per cell; the season must end within the year.
    crop : str or CropParameters
        ``"millet"``, ``"sorghum"`` (:data:`CROPS`) or own parameters.
    whc : float
        Soil water holding capacity [mm].
    initial_soil_water : float
        Soil water at the start of season [mm].

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        WRSI [%] per cell (a DataArray without the ``dekad`` dimension for a
        DataArray input); NaN where the season's requirement is zero.

    References
    ----------
    Frere & Popov (1979); Verdin & Klaver (2002); Senay & Verdin (2003);
    Allen et al. (1998).
    """
    kc = crop_coefficients(crop)
    length = kc.size
    rain = np.asarray(rain_dekad, dtype=float)
    pet = np.asarray(pet_dekad, dtype=float)
    shape = np.broadcast_shapes(rain.shape, pet.shape)
    rain = np.broadcast_to(rain, shape)
    pet = np.broadcast_to(pet, shape)
    sos = np.broadcast_to(np.asarray(sos_dekad), shape[1:])
    if not np.issubdtype(sos.dtype, np.integer):
        raise ValueError("sos_dekad must be an integer dekad index")
    if sos.size and (sos.min() < 0 or sos.max() + length > shape[0]):
        raise ValueError(
            f"a {length}-dekad season starting at dekad {sos.min()}..{sos.max()} "
            f"does not fit in the {shape[0]} dekads given"
        )

    offsets = np.arange(length).reshape((-1,) + (1,) * (len(shape) - 1))
    index = sos[np.newaxis, ...] + offsets
    season_rain = np.take_along_axis(rain, index, axis=0)
    requirement = kc.reshape(offsets.shape) * np.take_along_axis(pet, index, axis=0)
    aet = water_balance(season_rain, requirement, whc, initial_soil_water)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = 100.0 * aet.sum(axis=0) / requirement.sum(axis=0)

    source = rain_dekad if isinstance(rain_dekad, xr.DataArray) else pet_dekad
    if isinstance(source, xr.DataArray) and source.ndim == len(shape):
        template = source.isel({source.dims[0]: 0}, drop=True)
        return (
            template.copy(data=result)
            .assign_attrs(units="%", long_name=f"Water Requirement Satisfaction Index, {_crop(crop).name}")
            .rename("wrsi")
        )
    return result


def crop_failure(wrsi_values):
    """Whether a season's WRSI means crop failure: WRSI < 50 (Senay & Verdin, 2003).

    Parameters
    ----------
    wrsi_values : array_like or xarray.DataArray
        WRSI [%].

    Returns
    -------
    numpy.ndarray or xarray.DataArray of bool
        True where WRSI < :data:`CROP_FAILURE_WRSI`; False for NaN.

    References
    ----------
    Senay & Verdin (2003); Verdin & Klaver (2002).
    """
    if isinstance(wrsi_values, xr.DataArray):
        return (wrsi_values < CROP_FAILURE_WRSI).assign_attrs(long_name="crop failure (WRSI < 50)")
    return np.asarray(wrsi_values, dtype=float) < CROP_FAILURE_WRSI
