"""The domain grid: a regular longitude/latitude raster over the inland Niger delta.

Cells are addressed north-up, as in GeoTIFFs: row 0 is the northern edge, so the ``y``
coordinate decreases with the row index. Distances on the grid use a local
equirectangular approximation, good to well under 1 % over the 4° of the delta.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from affine import Affine

CRS = "EPSG:4326"

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius [km]. References: IUGG mean radius R1 (Moritz 2000, Geodetic Reference System 1980)."""

KM_PER_DEG_LAT = np.pi * EARTH_RADIUS_KM / 180.0
"""Length of one degree of latitude on the mean sphere [km/deg]."""


@dataclass(frozen=True)
class Grid:
    """A north-up regular grid in EPSG:4326.

    Parameters
    ----------
    west, south, east, north : float
        Outer edges of the grid. [deg]
    resolution : float
        Cell size in both directions. [deg]
    """

    west: float = -6.6
    south: float = 13.2
    east: float = -2.9
    north: float = 16.9
    resolution: float = 0.01

    def __post_init__(self) -> None:
        if not self.resolution > 0:
            raise ValueError(f"grid resolution must be positive, got {self.resolution}")
        if not (self.west < self.east and self.south < self.north):
            raise ValueError("grid edges must satisfy west < east and south < north")
        if self.resolution > min(self.east - self.west, self.north - self.south):
            raise ValueError(f"grid resolution {self.resolution}° is larger than the domain")

    @cached_property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid."""
        rows = int(round((self.north - self.south) / self.resolution))
        cols = int(round((self.east - self.west) / self.resolution))
        return rows, cols

    @cached_property
    def transform(self) -> Affine:
        """Affine transform from (column, row) to (lon, lat) of the upper-left corner."""
        return Affine(self.resolution, 0.0, self.west, 0.0, -self.resolution, self.north)

    @cached_property
    def x(self) -> np.ndarray:
        """Longitudes of cell centres, west to east. [deg]"""
        return self.west + self.resolution * (np.arange(self.shape[1]) + 0.5)

    @cached_property
    def y(self) -> np.ndarray:
        """Latitudes of cell centres, north to south. [deg]"""
        return self.north - self.resolution * (np.arange(self.shape[0]) + 0.5)

    @cached_property
    def cell_area_km2(self) -> np.ndarray:
        """Area of each cell on the sphere, one value per row. [km²]"""
        half = np.radians(self.resolution / 2.0)
        lat = np.radians(self.y)
        band = np.sin(lat + half) - np.sin(lat - half)
        return EARTH_RADIUS_KM**2 * np.radians(self.resolution) * band

    @cached_property
    def reference_latitude(self) -> float:
        """Latitude of the grid's centre, for the local projection. [deg]"""
        return (self.south + self.north) / 2.0

    def project_km(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """Local equirectangular coordinates of points, in km east and north of (0°, 0°).

        Parameters
        ----------
        lon, lat : array_like
            [deg]
        """
        scale = KM_PER_DEG_LAT * np.cos(np.radians(self.reference_latitude))
        return np.asarray(lon, float) * scale, np.asarray(lat, float) * KM_PER_DEG_LAT

    @cached_property
    def cell_centres_km(self) -> np.ndarray:
        """(rows*cols, 2) projected coordinates of all cell centres. [km]"""
        lon, lat = np.meshgrid(self.x, self.y)
        px, py = self.project_km(lon.ravel(), lat.ravel())
        return np.column_stack([px, py])

    def index_of(self, lon: float, lat: float) -> tuple[int, int] | None:
        """(row, column) of the cell holding a point, or None outside the grid."""
        col = int(np.floor((lon - self.west) / self.resolution))
        row = int(np.floor((self.north - lat) / self.resolution))
        rows, cols = self.shape
        if 0 <= row < rows and 0 <= col < cols:
            return row, col
        return None

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a point lies inside the grid's outer edges."""
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north). [deg]"""
        return self.west, self.south, self.east, self.north
