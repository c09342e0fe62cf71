"""report.html: a map of each driven path with infraction markers, and plots of the scores."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import numpy as np

MARKERS = {"collisions_vehicle": ("x", "red"), "collisions_pedestrian": ("X", "darkorange"),
           "collisions_layout": ("s", "brown"), "red_light": ("o", "crimson"), "stop_infraction": ("^", "purple"),
           "outside_route_lanes": ("d", "gray"), "route_dev": ("*", "black"), "vehicle_blocked": ("P", "blue"),
           "route_timeout": ("v", "navy")}


PAGE_STYLE = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
              "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}figure{display:inline-block;margin:0.5em}")


def html_page(title: str, body: str) -> str:
    """A self-contained report page (the benchmarks' shared look) around `body` (HTML)."""
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{PAGE_STYLE}</style></head><body>\n<h1>{html.escape(title)}</h1>\n{body}\n</body></html>\n")


def figure_png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode()


def _lane_lines(town: str | None, xodr: str | None) -> list[np.ndarray]:
    from envs.driving.maps import RoadMap
    from envs.driving.routing import RoadGraph

    graph = RoadGraph(RoadMap.load(town, xodr).carla_map)
    return [segment.points()[:, :2] for segment in graph.segments if len(segment.waypoints) > 1]


def write_report(path: Path, records: list[dict], global_record: dict, title: str, town: str | None,
                 xodr: str | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lanes = _lane_lines(town, xodr)
    records = sorted(records, key=lambda r: r["index"])
    sections = []
    for record in records:
        figure, axes = plt.subplots(figsize=(6.5, 5.5))
        for lane in lanes:
            axes.plot(lane[:, 0], lane[:, 1], color="#d0d0d0", linewidth=0.6)
        if record.get("route"):
            planned = np.array(record["route"])
            axes.plot(planned[:, 0], planned[:, 1], color="#999999", linewidth=4.0, alpha=0.6, label="planned route")
            axes.plot(*planned[0], "o", color="#2ca02c", markersize=9, label="route start")
            axes.plot(*planned[-1], "s", color="#d62728", markersize=9, label="route end")
        if record["path"]:
            driven = np.array(record["path"])
            axes.plot(driven[:, 0], driven[:, 1], color="#1f77b4", linewidth=2.0, label="driven")
        for point in record["infraction_points"]:
            marker, color = MARKERS.get(point["kind"], ("o", "black"))
            axes.plot(point["x"], point["y"], marker=marker, color=color, markersize=10, linestyle="none",
                      label=point["kind"])
        handles, labels = axes.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        if unique:  # beside the map, never over the data
            axes.legend(unique.values(), unique.keys(), fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
        axes.set_xlabel("x (m)")
        axes.set_ylabel("y (m)")
        axes.set_aspect("equal")
        axes.invert_yaxis()  # CARLA's y points down on a map seen from above
        axes.set_title(f"route {record['route_id']}: DS {record['scores']['score_composed']:.1f}")
        figure.tight_layout()
        sections.append((record, figure_png(figure)))
        plt.close(figure)

    figure, (scores, counts) = plt.subplots(1, 2, figsize=(12, 4))
    ids = [r["route_id"] for r in records]
    positions = np.arange(len(ids))
    scores.bar(positions - 0.2, [r["scores"]["score_composed"] for r in records], width=0.4, label="driving score")
    scores.bar(positions + 0.2, [r["scores"]["score_route"] for r in records], width=0.4, label="route completion")
    scores.set_xticks(positions, ids, rotation=45, fontsize=8)
    scores.set_ylim(0, 105)
    scores.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    scores.set_title("per route")
    kinds = [k for k, v in global_record["infractions_per_km"].items() if v > 0]
    if kinds:
        counts.barh(kinds, [global_record["infractions_per_km"][k] for k in kinds], color="#c44e52")
    else:
        counts.text(0.5, 0.5, "no infractions", ha="center", va="center", fontsize=14, transform=counts.transAxes)
        counts.set_axis_off()
    counts.set_title("infractions per km")
    figure.tight_layout()
    summary_png = figure_png(figure)
    plt.close(figure)

    rows = "".join(
        f"<tr><td>{html.escape(r['route_id'])}</td><td>{r['scores']['score_composed']:.1f}</td>"
        f"<td>{r['scores']['score_route']:.1f}</td><td>{r['scores']['score_penalty']:.3f}</td>"
        f"<td>{html.escape(r['status'])}</td><td>{r['meta']['route_length']:.0f}</td>"
        f"<td>{r['meta']['duration_game']:.0f}</td></tr>" for r in records)
    maps = "".join(f'<figure><img src="data:image/png;base64,{png}"><figcaption>{html.escape(r["status"])}'
                   f"</figcaption></figure>" for r, png in sections)
    g = global_record
    outcomes: dict[str, dict[str, int]] = {}
    for record in records:
        for scenario in record.get("scenarios", []):
            counts_by_outcome = outcomes.setdefault(scenario["type"], {})
            counts_by_outcome[scenario["outcome"]] = counts_by_outcome.get(scenario["outcome"], 0) + 1
    kinds_seen = sorted({o for c in outcomes.values() for o in c})
    scenario_rows = "".join(f"<tr><td>{html.escape(kind)}</td>" + "".join(f"<td>{c.get(o, 0)}</td>" for o in kinds_seen)
                            + "</tr>" for kind, c in sorted(outcomes.items()))
    scenario_table = (f"<h2>Route scenarios</h2><p>{g.get('scenarios_triggered', 0)} triggered of "
                      f"{g.get('scenarios_matched', 0)} matched</p><table><tr><th>type</th>"
                      + "".join(f"<th>{html.escape(o)}</th>" for o in kinds_seen) + f"</tr>{scenario_rows}</table>"
                      ) if outcomes else ""
    page = html_page(title, f"""<p><b>Driving score {g['driving_score']:.2f}</b> &middot;
route completion {g['route_completion']:.2f}% &middot; infraction penalty {g['infraction_penalty']:.3f} &middot;
{g['routes']} of {g['routes_total']} routes &middot;
{g['driven_km']:.2f} km &middot; {g['wall_s']:.0f} s wall time</p>
<img src="data:image/png;base64,{summary_png}">
<table><tr><th>route</th><th>driving score</th><th>route completion</th><th>penalty</th><th>status</th>
<th>length (m)</th><th>game time (s)</th></tr>{rows}</table>
{scenario_table}
<h2>Driven paths</h2>{maps}""")
    path.write_text(page, encoding="utf-8")
