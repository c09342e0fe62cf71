"""report.html for the Minecraft benchmark: success rate per milestone or item, steps and planner
queries per episode, and a table of the episodes."""

from __future__ import annotations

import html
from pathlib import Path

from agents.bench.report import figure_png, html_page


def write_minecraft_report(path: Path, records: list[dict], aggregate: dict, tasks: list) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(aggregate["success_rate"])
    height = max(3.0, 0.22 * len(names))
    figure, (rates, steps) = plt.subplots(1, 2, figsize=(13, height))
    rates.barh(names, [100 * aggregate["success_rate"][n] for n in names], color="#4c72b0")
    rates.invert_yaxis()
    rates.set_xlim(0, 100)
    rates.set_xlabel("success rate (%)")
    rates.tick_params(axis="y", labelsize=7 if len(names) > 20 else 9)
    ordered = sorted(records, key=lambda r: (r["task"], r["seed"]))
    colors = ["#55a868" if r["success"] else "#c44e52" for r in ordered]
    steps.scatter([r["steps"] for r in ordered], [r["planner_queries"] for r in ordered], c=colors)
    steps.set_xlabel("steps (green: success, red: failure)")
    steps.set_ylabel("planner queries")
    steps.set_title("per episode")
    summary = figure_png(figure)
    plt.close(figure)
    rows = "".join(
        f"<tr><td>{html.escape(r['task'])}</td><td>{r['seed']}</td><td>{'yes' if r['success'] else 'no'}</td>"
        f"<td>{r['steps']}</td><td>{r['planner_queries']}</td><td>{r['actions']}</td>"
        f"<td style='text-align:left'>{html.escape(r['reason'])}</td></tr>" for r in ordered)
    a = aggregate
    extra = ""
    if "tech_tree_coverage" in a:
        missing = ", ".join(a["tech_tree_missing"]) or "none"
        extra = f"<p>tech-tree coverage {100 * a['tech_tree_coverage']:.1f}% of {len(tasks)} items; missing: " \
                f"{html.escape(missing)}</p>"
    page = html_page(f"Minecraft benchmark: {a['task']}", f"""<p><b>success {100 * a['success']:.1f}%</b>
over {a['episodes']} of {a['episodes_total']} episodes &middot; mean steps
{a['mean_steps']:.0f} &middot; mean planner queries {a['mean_planner_queries']:.1f} &middot; {a['fallbacks']} planner
fallbacks &middot; {a['invalid_actions']} invalid actions &middot; {a['wall_s']:.0f} s wall time</p>{extra}
<img src="data:image/png;base64,{summary}">
<table><tr><th>task</th><th>seed</th><th>success</th><th>steps</th><th>planner queries</th><th>actions</th>
<th>reason</th></tr>{rows}</table>""")
    path.write_text(page, encoding="utf-8")
