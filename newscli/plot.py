"""`timeline --plot FILE`: the chart as a picture (SVG, PNG or PDF) for a report.

Drawn by matplotlib, an optional extra (`pip install 'newscli[plot]'`): it is imported
only here, when a plot is asked for, so every other command starts without it. One series
is drawn as bars (one per period), several as lines; the x axis is dated, the title says
the query, the filters and the archive. The file is the same for the same chart (no date
or random ids written in it), so a plot kept under version control changes only when the
chart does.
"""

from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from newscli.errors import NewscliError

PLOT_FORMATS = (".svg", ".png", ".pdf")
INSTALL = "pip install 'newscli[plot]'"
# Colours told apart also by people with the commonest colour blindness (Okabe and Ito).
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")


class PlotError(NewscliError):
    """A plot that cannot be written, told in one line."""


def check_plot(path: str) -> Path:
    """The plot's path, once it is known that it can be drawn: a known extension and
    matplotlib installed. Checked before anything is counted."""
    target = Path(path)
    if target.suffix.lower() not in PLOT_FORMATS:
        raise PlotError(f"--plot {path}: the file name must end in {', '.join(PLOT_FORMATS)}")
    if importlib.util.find_spec("matplotlib") is None:
        raise PlotError(f"--plot needs matplotlib, which is not installed: {INSTALL}")
    return target


def _label(text: str) -> str:
    """Text as matplotlib shows it literally: `$` starts no formula, a leading `_` does not
    hide a legend entry."""
    text = " ".join(text.split()).replace("$", r"\$")
    return "\u200b" + text if text.startswith("_") else text


def write_plot(timeline, path: Path, title: str, details: list[str]) -> None:
    """Draw the timeline (newscli.timeline.Timeline, with periods) into `path`; the format
    follows its extension. `details` go under the title (filters, archive, period)."""
    import matplotlib
    from matplotlib import dates as mdates
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    periods = timeline.periods
    keys = timeline.series or [title]
    starts = [date.fromisoformat(p["start"]) for p in periods]
    x = mdates.date2num(starts)  # days, as matplotlib counts them on a dated axis

    def values(key: str) -> list[float]:
        if timeline.share:
            return [(p["shares"][key] or 0.0) for p in periods]
        return [p["counts"][key] if timeline.series else p["count"] for p in periods]

    # Any: rc_context types its keys as literals, which a dict built here is not.
    settings: Any = {"svg.hashsalt": "newscli", "font.size": 10, "axes.spines.top": False,
                     "axes.spines.right": False}  # fmt: skip
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(10, 4.8), layout="constrained")
        axes = figure.add_subplot()
        if len(keys) == 1:
            widths = [(date.fromisoformat(p["end"]) - s + timedelta(days=1)).days * 0.85 for p, s in
                      zip(periods, starts, strict=True)]  # fmt: skip
            axes.bar(x, values(keys[0]), width=widths, align="edge", color=COLOURS[0], label=_label(keys[0]))
        else:
            for i, key in enumerate(keys):
                axes.plot(x, values(key), color=COLOURS[i % len(COLOURS)], linewidth=1.8,
                          marker="o" if len(periods) <= 40 else None, markersize=3.5,
                          label=_label(key))  # fmt: skip
            figure.legend(frameon=False, loc="outside lower center", ncols=min(len(keys), 5))
        for peak in timeline.peaks:
            i = keys.index(peak["series"]) if peak["series"] in keys else 0
            at = mdates.date2num(date.fromisoformat(peak["start"]))
            if len(keys) == 1:  # over the middle of its bar
                at += ((date.fromisoformat(peak["end"]) - date.fromisoformat(peak["start"])).days + 1) * 0.425
            y = peak["share"] if timeline.share and peak.get("share") is not None else peak["count"]
            axes.annotate(peak["period"], (at, y), xytext=(0, 6), textcoords="offset points", ha="center",
                          fontsize=8, color=COLOURS[i % len(COLOURS)])  # fmt: skip
        locator = mdates.AutoDateLocator()
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        if timeline.share:
            axes.yaxis.set_major_formatter(PercentFormatter(xmax=1))
            axes.set_ylabel("share of all articles")
        else:
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
            axes.set_ylabel(f"articles per {timeline.by}")
        axes.set_ylim(bottom=0)
        axes.grid(axis="y", alpha=0.3)
        figure.suptitle(_label(title), fontweight="bold")
        axes.set_title(_label("  ·  ".join(details)), fontsize=9, color="#555555")
        metadata = {".svg": {"Date": None}, ".png": {"Software": None}, ".pdf": {"CreationDate": None}}
        try:
            figure.savefig(path, metadata=metadata[path.suffix.lower()], dpi=150)
        except OSError as e:
            raise PlotError(f"cannot write {path}: {e.strerror or e}") from None
