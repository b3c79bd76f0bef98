"""Maps drawn from the project's own rasters and polygons, as PNG bytes.

No tile server, no web font, nothing fetched: matplotlib renders on this machine with its
bundled fonts, and the app shows the picture.
"""

from __future__ import annotations

import io
import threading

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import cm  # noqa: E402
from matplotlib.colors import LogNorm, Normalize  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Polygon as Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402
from PIL import Image, ImageDraw, ImageFont  # noqa: E402

from sim.delta.domain import Delta  # noqa: E402
from sim.report import FONT, png_bytes  # noqa: E402
from ui.i18n import month_names, t  # noqa: E402

RIVER_COLOUR = "#1f5fa8"
CERCLE_COLOUR = "#444444"


def _figure(delta: Delta, width_in: float, dpi: int):
    grid = delta.grid
    height_in = width_in * (grid.north - grid.south) / (grid.east - grid.west) * 0.98
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=dpi)
    ax.set_facecolor("#f4f1ea")
    return fig, ax


def _overlay(ax, delta: Delta, lang: str, labels: bool = True) -> None:
    """Cercle outlines, rivers and towns over a raster, and the axes' extent and aspect."""
    grid = delta.grid
    for cercle in delta.cercles:
        for line in _outlines(cercle.geometry):
            ax.plot(*line, color=CERCLE_COLOUR, lw=0.7, ls="--" if cercle.approximate else "-")
        if labels:
            rep = cercle.geometry.representative_point()
            ax.annotate(
                cercle.name, (rep.x, rep.y), fontsize=6.5, color=CERCLE_COLOUR, ha="center", alpha=0.8, style="italic"
            )
    for river in delta.rivers:
        ax.plot(river.lon, river.lat, color=RIVER_COLOUR, lw=1.8 if river.name in ("Niger", "Bani") else 1.1)
    towns = [p for p in delta.places if p.kind in ("cercle_capital", "town") and grid.contains(p.lon, p.lat)]
    ax.scatter(
        [p.lon for p in towns],
        [p.lat for p in towns],
        s=[14 if p.kind == "cercle_capital" else 6 for p in towns],
        c="black",
        zorder=4,
    )
    for p in towns:
        if p.kind == "cercle_capital":
            ax.annotate(p.name, (p.lon, p.lat), xytext=(3, 3), textcoords="offset points", fontsize=7.5, zorder=5)
    ax.set_xlim(grid.west, grid.east)
    ax.set_ylim(grid.south, grid.north)
    ax.set_xlabel(t("axis_longitude", lang))
    ax.set_ylabel(t("axis_latitude", lang))
    ax.set_aspect(1 / np.cos(np.radians(grid.reference_latitude)))


class _Frame:
    """The delta drawn once without data: the axes (base) and the outlines (lines), pixel-aligned.

    A raster map is then the data coloured and pasted into the axes' box between the two,
    which takes milliseconds instead of a matplotlib figure per map.
    """

    def __init__(self, delta: Delta, lang: str, width_in: float, dpi: int):
        grid = delta.grid
        images = []
        for with_lines in (False, True):
            fig, ax = _figure(delta, width_in, dpi)
            if with_lines:
                fig.patch.set_alpha(0.0)
                ax.set_facecolor((0, 0, 0, 0))
                _overlay(ax, delta, lang, labels=False)
                ax.axis("off")
            else:
                ax.set_xlim(grid.west, grid.east)
                ax.set_ylim(grid.south, grid.north)
                ax.set_xlabel(t("axis_longitude", lang))
                ax.set_ylabel(t("axis_latitude", lang))
                ax.set_aspect(1 / np.cos(np.radians(grid.reference_latitude)))
            fig.canvas.draw()
            box = ax.get_window_extent()
            images.append((np.asarray(fig.canvas.buffer_rgba()).copy(), box))
            plt.close(fig)
        (self.base, box), (self.lines, _) = images
        height = self.base.shape[0]
        self.box = (int(round(box.x0)), int(round(height - box.y1)), int(round(box.x1)), int(round(height - box.y0)))


_FRAMES: dict[tuple, _Frame] = {}
_FRAMES_LOCK = threading.Lock()


def _frame_for(delta: Delta, lang: str, width_in: float, dpi: int) -> _Frame:
    """The frame of a delta, drawn once per process (sessions and the warm-up share it)."""
    key = (id(delta), lang, width_in, dpi)
    with _FRAMES_LOCK:
        if key not in _FRAMES:
            if len(_FRAMES) > 16:
                _FRAMES.clear()
            _FRAMES[key] = _Frame(delta, lang, width_in, dpi)
        return _FRAMES[key]


_BARS: dict[tuple, np.ndarray] = {}


def _norm_for(norm, values: np.ndarray):
    if norm is not None:
        return norm
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 1.0
    return Normalize(vmin=low, vmax=high if high > low else low + 1.0)


def _colourbar(cmap: str, norm, label: str, frame: _Frame, dpi: int) -> np.ndarray:
    """The colour bar beside a map, as high as the map's axes (drawn once per scale)."""
    height = frame.base.shape[0]
    x0, y0, x1, y1 = frame.box
    key = (
        cmap,
        type(norm).__name__,
        getattr(norm, "vmin", None),
        getattr(norm, "vmax", None),
        getattr(norm, "vcenter", None),
        tuple(np.asarray(getattr(norm, "boundaries", ()), dtype=float).tolist()),
        label,
        height,
        y0,
        y1,
        dpi,
    )
    if key not in _BARS:
        if len(_BARS) > 64:
            _BARS.clear()
        fig = plt.figure(figsize=(1.2, height / dpi), dpi=dpi)
        ax = fig.add_axes([0.06, 1 - y1 / height, 0.16, (y1 - y0) / height])
        bar = fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), cax=ax)
        bar.set_label(label)
        fig.canvas.draw()
        _BARS[key] = np.asarray(fig.canvas.buffer_rgba()).copy()
        plt.close(fig)
    return _BARS[key]


def raster_map_png(
    delta: Delta,
    values: np.ndarray,
    lang: str,
    label: str,
    cmap: str = "viridis",
    norm=None,
    title: str = "",
    width_in: float = 8.0,
    dpi: int = 100,
) -> bytes:
    """A field on the delta's grid (NaN cells transparent) under the delta's outlines, with its colour bar."""
    frame = _frame_for(delta, lang, width_in, dpi)
    values = np.asarray(values, dtype=float)
    norm = _norm_for(norm, values)
    bar = _colourbar(cmap, norm, label, frame, dpi)
    colours = matplotlib.colormaps[cmap]
    rgba = colours(norm(np.ma.masked_invalid(values)), bytes=True)
    rgba[~np.isfinite(values)] = 0
    x0, y0, x1, y1 = frame.box
    layer = Image.fromarray(rgba, "RGBA").resize((x1 - x0, y1 - y0), Image.NEAREST)
    picture = Image.fromarray(frame.base, "RGBA")
    picture.alpha_composite(layer, (x0, y0))
    picture.alpha_composite(Image.fromarray(frame.lines, "RGBA"))
    full = Image.new("RGBA", (picture.width + bar.shape[1], picture.height), (255, 255, 255, 255))
    full.paste(picture, (0, 0))
    full.alpha_composite(Image.fromarray(bar, "RGBA"), (picture.width, 0))
    if title:
        ImageDraw.Draw(full).text(
            (x0, max(y0 - 18, 2)), title, fill=(0, 0, 0, 255), font=ImageFont.truetype(str(FONT), 13)
        )
    buffer = io.BytesIO()
    full.convert("RGB").save(buffer, format="PNG", optimize=False, compress_level=3)
    return buffer.getvalue()


def choropleth_png(
    delta: Delta,
    values: dict[str, float],
    lang: str,
    label: str,
    cmap: str = "OrRd",
    width_in: float = 7.0,
    dpi: int = 100,
) -> bytes:
    """Cercles coloured by a value each (pcode → value), with the rivers and the values written in."""
    fig, ax = _figure(delta, width_in, dpi)
    top = max(max(values.values(), default=0.0), 1.0)
    norm = Normalize(vmin=0.0, vmax=top)
    colours = matplotlib.colormaps[cmap]
    for cercle in delta.cercles:
        value = values.get(cercle.pcode, 0.0)
        for polygon in getattr(cercle.geometry, "geoms", [cercle.geometry]):
            if hasattr(polygon, "exterior"):
                ax.add_patch(
                    Patch(
                        np.asarray(polygon.exterior.coords),
                        closed=True,
                        facecolor=colours(norm(value)),
                        edgecolor="none",
                        alpha=0.9,
                    )
                )
        rep = cercle.geometry.representative_point()
        ax.annotate(
            f"{cercle.name}\n{value:,.0f}".replace(",", "\u202f"),
            (rep.x, rep.y),
            fontsize=6.5,
            ha="center",
            va="center",
            zorder=7,
        )
    _overlay(ax, delta, lang, labels=False)
    mappable = cm.ScalarMappable(norm=norm, cmap=colours)
    colorbar = fig.colorbar(mappable, ax=ax, fraction=0.035, pad=0.02)
    colorbar.set_label(label)
    ax.set_title(label, fontsize=10)
    return png_bytes(fig)


def delta_map_png(delta: Delta, lang: str, width_in: float = 9.0, dpi: int = 110) -> bytes:
    """Population density, cercles, rivers, gauges, hubs and towns of the delta."""
    grid = delta.grid
    density = delta.population / grid.cell_area_km2[:, None]
    density = np.where(density > 0, density, np.nan)
    extent = (grid.west, grid.east, grid.south, grid.north)
    fig, ax = _figure(delta, width_in, dpi)
    image = ax.imshow(
        density,
        extent=extent,
        origin="upper",
        cmap="YlOrBr",
        norm=LogNorm(vmin=1, vmax=max(np.nanmax(density), 10)),
        interpolation="nearest",
    )
    ax.contour(
        grid.x,
        grid.y,
        delta.terrain.floodplain.astype(float),
        levels=[0.5],
        colors="#5aa0d8",
        linewidths=0.8,
        linestyles="-",
    )
    approx = t("approximate" if delta.approximate else "official", lang)
    _overlay(ax, delta, lang)
    ax.scatter(
        [g.lon for g in delta.gauges],
        [g.lat for g in delta.gauges],
        marker="^",
        s=60,
        c="#0b7a75",
        edgecolors="white",
        zorder=6,
    )
    for g in delta.gauges:
        lowest = min(g.alerts_cm.values(), default=None)
        label = g.name + (f" ({lowest:g} cm)" if lowest is not None else "")
        ax.annotate(
            label, (g.lon, g.lat), xytext=(6, -10), textcoords="offset points", fontsize=6.5, color="#0b7a75", zorder=6
        )
    hub_places = [delta.place(h.place) for h in delta.hubs]
    inside = [p for p in hub_places if grid.contains(p.lon, p.lat)]
    ax.scatter(
        [p.lon for p in inside],
        [p.lat for p in inside],
        marker="s",
        s=70,
        facecolors="none",
        edgecolors="#b2182b",
        linewidths=1.6,
        zorder=6,
    )
    colorbar = fig.colorbar(image, ax=ax, fraction=0.035, pad=0.02)
    colorbar.set_label(t("legend_population", lang))
    handles = [
        Line2D([], [], color=RIVER_COLOUR, lw=1.8, label=t("legend_rivers", lang)),
        Line2D([], [], color="#5aa0d8", lw=0.8, label=t("legend_floodplain", lang)),
        Line2D(
            [],
            [],
            color=CERCLE_COLOUR,
            lw=0.7,
            ls="--" if delta.approximate else "-",
            label=t("legend_cercles", lang, approx=approx),
        ),
        Line2D([], [], marker="^", color="#0b7a75", ls="", label=t("legend_gauges", lang)),
        Line2D([], [], marker="s", mfc="none", mec="#b2182b", ls="", label=t("legend_hubs", lang)),
        Line2D([], [], marker="o", color="black", ls="", ms=3, label=t("legend_towns", lang)),
    ]
    ax.legend(handles=handles, loc="lower right", fontsize=7, framealpha=0.9)
    return png_bytes(fig)


def hydrograph_png(
    stage, alerts: dict[str, dict[str, float]], lang: str, label_for, width_in: float = 8.0, dpi: int = 100
) -> bytes:
    """Stage at each gauge over the season, with the gauges' alert levels as dashed lines.

    Parameters
    ----------
    stage : xarray.DataArray
        (gauge, time) [cm].
    alerts : dict
        gauge → {level name → stage [cm]}.
    label_for : callable
        level name → text in ``lang``.
    """
    fig, ax = plt.subplots(figsize=(width_in, width_in * 0.5), dpi=dpi)
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    end = stage["time"].values[-1]
    lines: dict[float, list[tuple[str, str, str]]] = {}
    for k, gauge in enumerate(stage["gauge"].values):
        colour = colours[k % len(colours)]
        series = stage.sel(gauge=gauge)
        ax.plot(series["time"].values, series.values, color=colour, lw=1.8, label=str(gauge))
        for name, level in alerts.get(str(gauge), {}).items():
            lines.setdefault(level, []).append((str(gauge), label_for(name), colour))
    for level, entries in sorted(lines.items()):
        gauges = list(dict.fromkeys(g for g, _, _ in entries))
        colour = entries[0][2] if len(gauges) == 1 else "#333333"
        names = ", ".join(dict.fromkeys(n for _, n, _ in entries))
        ax.axhline(level, color=colour, lw=0.9, ls="--")
        ax.annotate(
            f"{' / '.join(gauges)} {level:g} cm: {names}",
            (end, level),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=7,
            color=colour,
            va="center",
            annotation_clip=False,
        )
    ax.legend(fontsize=8, loc="lower center", ncols=len(stage["gauge"]))
    ax.set_ylabel(t("stage_cm", lang))
    ax.grid(alpha=0.3)
    month_axis(ax, lang)
    return png_bytes(fig)


def month_axis(ax, lang: str) -> None:
    """Date ticks on the first of each month, written ``1 oct.`` / ``1 Oct`` in ``lang``."""
    months = month_names(lang)
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: f"{mdates.num2date(x).day} {months[mdates.num2date(x).month - 1]}")
    )


def _outlines(geometry):
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if hasattr(polygon, "exterior"):
            x, y = polygon.exterior.xy
            yield np.asarray(x), np.asarray(y)
