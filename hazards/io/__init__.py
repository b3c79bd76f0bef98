"""Reading hazard layers onto the domain grid: the only package that opens raster files.

Two kinds of file are read:

* NetCDF in the CHIRPS layout (a ``precip`` variable on ``time/latitude/longitude``),
  opened with xarray's ``netcdf4`` engine (:mod:`hazards.io.netcdf`);
* GeoTIFF (or another raster GDAL reads, e.g. a VRT of local GeoTIFFs), opened with
  rasterio, either one band for one date or a stack with one date per band
  (:mod:`hazards.io.geotiff`);

and flood extents drawn as polygons (:mod:`hazards.io.extents`).

Whatever the source, :func:`hazards.io.rainfall.read_rainfall` returns a ``(time, y, x)``
DataArray on the domain :class:`~sim.core.grid.Grid` in ``mm/day`` (daily data) or ``mm/month``
(monthly series), with NaN where the source has no data; :func:`hazards.io.layers.read_layer`
reads a layer of any kind in its canonical units.

Every problem with a file is a :class:`hazards.io.errors.RasterError` whose one-line message
starts with the file's name; its ``code`` and ``params`` name the message in the catalogs
(:mod:`sim.core.messages`), so that the app says it in the reader's language. Size and overlap
with the delta are checked from the header, before any pixel is read, and only the window
of the source that covers the delta is read (:mod:`hazards.io.regrid`).

GDAL stays on the local file system (:mod:`hazards.io.offline`): a URL, a GDAL virtual file
system (``/vsicurl/`` …) or a connection string is refused before GDAL sees it; a file is
opened with the one driver its ending names (GeoTIFF: ``GTiff``, ``.vrt``: ``VRT``); a VRT is
read only if every source it names is a local GeoTIFF or VRT in its folder or below
(:mod:`hazards.io.vrt`); and every read runs with :data:`sim.core.vectorio.GDAL_OFFLINE`, which
forbids GDAL's network access. Values that no rainfall or flood can have are refused
(:mod:`hazards.io.layers`).

Counts (a population layer's persons per pixel) are summed onto the grid, never averaged
(:mod:`hazards.io.counts`); the exposure layers' values are checked in :mod:`hazards.io.exposure`.

Modules, from the bottom up: ``errors`` → ``metadata`` (dates, units, :class:`ReadOptions
<hazards.io.metadata.ReadOptions>`), ``offline`` → ``vrt``, ``counts`` → ``regrid`` → ``geotiff``,
``netcdf``, ``extents``, ``exposure`` → ``rainfall`` → ``layers``.
"""
