"""Figures of the validation report, drawn with matplotlib (Agg) into PNG bytes.

One function per ``figure["kind"]`` of a :class:`~sim.validation.verdict.Section`; no file
I/O here: :func:`draw` returns the PNG's bytes and the caller writes them.
"""

from __future__ import annotations

import matplotlib
from matplotlib import ticker

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.report import png_bytes  # noqa: E402

PUBLISHED = "#c0392b"
MODEL = "#1f4e79"


def draw(figure: dict) -> bytes:
    """The PNG of a section's figure."""
    kinds = {
        "spi": _spi,
        "spi_scatter": _spi_scatter,
        "stage_area": _stage_area,
        "timing": _timing,
        "hydrograph_2022": _hydrograph,
        "affected": _affected,
        "trigger": _trigger,
        "depth_damage": _depth_damage,
        "queue": _queue,
        "cost": _cost,
        "tornado": _tornado,
        "objective": _objective,
        "response": _response,
    }
    if figure["kind"] not in kinds:
        raise ValueError(f"unknown figure kind {figure['kind']!r}; known: {', '.join(kinds)}")
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=110)
    kinds[figure["kind"]](ax, figure)
    ax.grid(alpha=0.3)
    return png_bytes(fig, metadata={"Software": None})


def _spi(ax, f):
    time = pd.DatetimeIndex(f["time"])
    last = slice(-40 * 12, None)
    ax.plot(time[last], f["reference"][last], color=PUBLISHED, lw=2.5, label="climate-indices fixture")
    ax.plot(time[last], f["ours"][last], color=MODEL, lw=1, ls="--", label="hazards.spi.spi")
    ax.set_ylabel("SPI-6 [-]")
    ax.set_title(f"{f['label']}, last 40 years")
    ax.legend(loc="lower left")


def _spi_scatter(ax, f):
    for (name, (theirs, ours)), marker in zip(f["pairs"].items(), ("o", "s")):
        ok = ~np.isnan(theirs)
        ax.plot(theirs[ok], ours[ok] - theirs[ok], marker, ms=2, ls="none", label=name)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("SPI-3 from climate-indices [-]")
    ax.set_ylabel("ours − climate-indices [-]")
    ax.set_title("SPI-3 on fresh random series: difference")
    ax.legend()


def _stage_area(ax, f):
    ax.plot(f["stages"], np.asarray(f["areas"]) / 1e3, color=MODEL, label="model (hazards.flood.flooded_area)")
    for k, (stage, area, label) in enumerate(f["published"]):
        ax.plot(stage, area / 1e3, "o", color=PUBLISHED)
        ax.annotate(label, (stage, area / 1e3), textcoords="offset points", xytext=(8, -12 - 10 * (k % 2)), fontsize=7)
    ax.axhline(f["maximum"] / 1e3, color=PUBLISHED, ls=":", label="topographic maximum 36,470 km²")
    ax.set_xlabel("stage at Akka [cm]")
    ax.set_ylabel("flooded area [1,000 km²]")
    ax.set_title("Flooded area of the delta against the Akka stage")
    ax.legend(loc="upper left")


def _timing(ax, f):
    rows = f["rows"]
    y = np.arange(len(rows))
    for k, (_, first, last, model) in enumerate(rows):
        ax.plot([first, last], [k, k], color=PUBLISHED, lw=6, alpha=0.6, solid_capstyle="butt")
        ax.plot(model, k, "D", color=MODEL)
    ax.set_yticks(y, [r[0] for r in rows])
    ax.set_xlabel("days after the Mopti peak")
    ax.set_title("Peak downstream: published window (bar) and model (diamond)")


def _hydrograph(ax, f):
    dates = pd.DatetimeIndex(f["dates"])
    ax.plot(dates, f["mopti"], color=MODEL, label="model, Mopti")
    ax.plot(dates, f["sofara"], color=MODEL, ls="--", label="model, Sofara (Bani)")
    ax.plot(pd.Timestamp("2022-10-09"), 671, "o", color=PUBLISHED, label="published: 671 cm 9 Oct, 660 cm 26 Sep")
    ax.plot(pd.Timestamp("2022-09-26"), 660, "o", color=PUBLISHED)
    ax.axhline(650, color="grey", ls=":", label="Mopti danger level 650 cm")
    ax.set_ylabel("stage [cm]")
    ax.set_title("2022 flood")
    ax.legend(loc="upper left", fontsize=8)


def _affected(ax, f):
    """Groups of bars: the published figure, then the model's (with an optional p10–p90)."""
    x = 0.0
    ticks = []
    for group, bars in f["groups"]:
        start = x
        for k, (label, value, spread) in enumerate(bars):
            colour = PUBLISHED if k == 0 else MODEL
            ax.bar(x, value, width=0.8, color=colour, alpha=1.0 if k < 2 else 0.6)
            ax.annotate(label, (x, value), textcoords="offset points", xytext=(0, 3), ha="center", fontsize=7)
            if spread is not None:
                ax.vlines(x, spread[0], spread[1], color="k", lw=2)
            x += 1.0
        ticks.append(((start + x - 1.0) / 2.0, group))
        x += 0.8
    ax.set_xticks([t[0] for t in ticks], [t[1] for t in ticks])
    ax.set_ylabel("people affected")
    ax.set_title("People affected: published (red), model (blue; black: spread over members)", fontsize=10)


def _trigger(ax, f):
    dates = pd.DatetimeIndex(f["dates"])
    keep = (dates >= "2022-08-01") & (dates <= "2022-10-31")
    ax.plot(dates[keep], np.asarray(f["sofara"])[keep], color=MODEL, label="model stage, Bani at Sofara")
    ax.axhline(f["threshold"], color=PUBLISHED, ls="--", label="orange alert 633 cm")
    first, last = f["window"]
    ax.axvspan(
        pd.Timestamp(first),
        pd.Timestamp(last) + pd.Timedelta(days=1),
        color=PUBLISHED,
        alpha=0.2,
        label="Red Cross activation 4–8 Sep 2022",
    )
    if f["fired"] is not None:
        ax.axvline(pd.Timestamp(f["fired"]), color=MODEL, ls=":", label=f"plan trigger fired {f['fired']:%d %b}")
    ax.set_ylabel("stage [cm]")
    ax.set_title("Early-action trigger at Sofara, 2022")
    ax.legend(loc="lower right", fontsize=8)


def _depth_damage(ax, f):
    ax.plot(f["depths"], f["damage"], color=MODEL, label="sim.impact.damage_ratio")
    points = np.array(f["points"])
    ax.plot(points[:, 0], points[:, 1], "o", color=PUBLISHED, label="JRC Africa residential")
    for level, style in zip(f["thresholds"], ("--", ":")):
        ax.axhline(level, color="grey", ls=style, lw=0.8)
    ax.set_xlabel("water depth in the house [m]")
    ax.set_ylabel("damage [-]")
    ax.set_title("Depth–damage (dashed: destroyed 0.55; dotted: affected 0.1)")
    ax.legend(loc="lower right")


def _queue(ax, f):
    points = f["points"]
    x = np.arange(len(points))
    ax.bar(x - 0.2, [p[1] for p in points], width=0.4, color=PUBLISHED, label="Erlang C")
    ax.bar(
        x + 0.2,
        [p[2] for p in points],
        width=0.4,
        yerr=[p[3] for p in points],
        capsize=4,
        color=MODEL,
        label="SimPy, 95 % CI",
    )
    ax.set_xticks(x, [p[0].replace(", ", "\n") for p in points], fontsize=8)
    ax.set_ylabel("mean wait [min]")
    ax.set_title("Distribution point: mean wait")
    ax.legend()


def _cost(ax, f):
    payouts = f["payouts"]
    labels = [p[0] for p in payouts] + ["model: all needs", "model: cereal only"]
    values = [p[1] for p in payouts] + [f["model"], f["food"]]
    colours = [PUBLISHED] * len(payouts) + [MODEL, MODEL]
    ax.barh(np.arange(len(values)), values, color=colours)
    ax.set_yticks(np.arange(len(values)), labels, fontsize=7)
    ax.set_xlabel("US$ per person")
    ax.set_title("Drought response cost per person", fontsize=10)


def _tornado(ax, f):
    base = f["base"]
    names = [row[0] for row in f["swings"]["displaced"]]
    y = np.arange(len(names))
    styles = {"displaced": (MODEL, -0.2), "affected": (PUBLISHED, 0.0), "fill_rate": ("#7f7f7f", 0.2)}
    for key, (colour, shift) in styles.items():
        for k, (_, low, high) in enumerate(f["swings"][key]):
            ratios = [max(v / base[key], 1e-3) if base and base[key] else np.nan for v in (low, high)]
            ax.plot(
                ratios,
                [k + shift] * 2,
                color=colour,
                lw=5,
                solid_capstyle="butt",
                label=key.replace("_", " ") if k == 0 else None,
            )
            ax.plot(ratios[0], k + shift, "<", color="k", ms=4)
            ax.plot(ratios[1], k + shift, ">", color="k", ms=4)
    ax.axvline(1.0, color="k", lw=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(ticker.FixedLocator([0.1, 0.2, 0.5, 1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_yticks(y, names)
    ax.set_xlabel("output ÷ base run (log scale; ◀ low input, ▶ high input)")
    ax.set_title("One input at a time")
    ax.legend(fontsize=8, loc="lower right")


def _objective(ax, f):
    """The calibration objective over the grid, the best pair marked."""
    values = np.log10(np.asarray(f["objective"], float) + 1e-3)
    image = ax.imshow(values, origin="lower", aspect="auto", cmap="viridis_r")
    ax.set_xticks(range(len(f["spreads"])), [f"{s:g}" for s in f["spreads"]])
    ax.set_yticks(range(len(f["freeboards"])), [f"{x:g}" for x in f["freeboards"]])
    best = f["best"]
    ax.plot(
        f["spreads"].index(best[1]),
        f["freeboards"].index(best[0]),
        "r*",
        ms=14,
        label=f"best: {best[0]:g} m, {best[1]:g} m",
    )
    ax.set_xlabel("spread of house floors [m]")
    ax.set_ylabel("freeboard above a median year's water [m]")
    ax.figure.colorbar(image, ax=ax, label="log10(objective + 0.001)")
    ax.legend(loc="upper right")


def _response(ax, f):
    """People affected by cause against the Mopti peak, with the reported seasons."""
    curve = f["curve"]
    peaks = curve["peak_cm"]
    flood, storm = np.asarray(curve["flood"]), np.asarray(curve["storm"])
    ax.plot(peaks, flood + storm, color=MODEL, lw=2, label="river and storms (model)")
    ax.plot(peaks, storm, color=MODEL, lw=1, ls=":", label="storms alone (model)")
    for peak, value, label in f["points"]:
        marker = "v" if label.startswith("≤") else "o"
        ax.plot(peak, value, marker, color=PUBLISHED, ms=8)
        ax.annotate(label, (peak, value), textcoords="offset points", xytext=(4, 4), fontsize=7)
    ax.set_yscale("log")
    ax.set_xlabel("peak stage at Mopti [cm]")
    ax.set_ylabel("people affected in the delta")
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(loc="upper left", fontsize=8)
