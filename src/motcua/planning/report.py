"""Write planning results: JSON, CSV (sites, demand), offline Leaflet HTML map, PNG."""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

import numpy as np

from .planner import PlanningProblem
from .result import PlanResult, to_jsonable

LEAFLET_DIR = Path(__file__).parent / "static" / "planning" / "leaflet"
KIND_COLOURS = {
    "center": "#c0392b",
    "branch": "#2471a3",
    "reception_point": "#27ae60",
    "candidate": "#7f8c8d",
}


def write_json(path: Path, payload: dict) -> None:
    Path(path).write_text(json.dumps(to_jsonable(payload), ensure_ascii=False, indent=2), encoding="utf-8")


def write_sites_csv(path: Path, problem: PlanningProblem, open_sites: list[str]) -> None:
    opened = set(open_sites)
    sites = problem.sites
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "kind", "lat", "lon", "open", "fixed_open", "fixed_closed", "cost"])
        for i, site_id in enumerate(sites.ids.tolist()):
            writer.writerow(
                [
                    site_id,
                    sites.names[i],
                    sites.kind[i],
                    f"{sites.lat[i]:.6f}",
                    f"{sites.lon[i]:.6f}",
                    int(site_id in opened),
                    int(sites.fixed_open[i]),
                    int(sites.fixed_closed[i]),
                    sites.cost[i],
                ]
            )


def write_demand_csv(path: Path, problem: PlanningProblem, result: PlanResult) -> None:
    reasons = {u.demand_id: u.reason_en for u in result.uncovered}
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "id",
                "lat",
                "lon",
                "area_type",
                "weight",
                "nearest_open_site",
                "km",
                "minutes",
                "covered",
                "reason",
            ]
        )
        for i, row in enumerate(result.demand):
            writer.writerow(
                [
                    row["id"],
                    f"{problem.demand.lat[i]:.6f}",
                    f"{problem.demand.lon[i]:.6f}",
                    problem.demand.area_type[i],
                    row["weight"],
                    row["nearest_open_site"],
                    f"{row['km']:.2f}",
                    f"{row['minutes']:.1f}",
                    int(row["covered"]),
                    reasons.get(row["id"], ""),
                ]
            )


def map_features(problem: PlanningProblem, result: PlanResult) -> dict:
    opened = set(result.open_sites)
    covered = {row["id"]: row["covered"] for row in result.demand}
    weight = problem.weight()
    demand = [
        {
            "lat": float(problem.demand.lat[i]),
            "lon": float(problem.demand.lon[i]),
            "w": float(weight[i]),
            "ok": bool(covered.get(problem.demand.ids[i], False)),
            "id": str(problem.demand.ids[i]),
        }
        for i in range(len(problem.demand))
    ]
    sites = [
        {
            "lat": float(problem.sites.lat[i]),
            "lon": float(problem.sites.lon[i]),
            "kind": str(problem.sites.kind[i]),
            "name": str(problem.sites.names[i]),
            "open": problem.sites.ids[i] in opened,
        }
        for i in range(len(problem.sites))
    ]
    return {
        "demand": demand,
        "sites": sites,
        "radius_m": (problem.rule.max_km or 0.0) * 1000 / 1.3,
        "colours": KIND_COLOURS,
    }


def write_html_map(path: Path, problem: PlanningProblem, result: PlanResult, title: str) -> None:
    """Self-contained page: Leaflet inlined, no tiles (blank background), no network."""
    leaflet_js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    leaflet_css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    data = json.dumps(map_features(problem, result), ensure_ascii=False).replace("</", "<\\/")
    page = _HTML_TEMPLATE.format(
        title=html.escape(title),
        css=leaflet_css,
        js=leaflet_js.replace("</script", "<\\/script"),
        data=data,
        summary=html.escape(f"{result.model}: {result.status}, {len(result.open_sites)} sites"),
    )
    Path(path).write_text(page, encoding="utf-8")


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<style>{css}</style>
<style>html,body,#map{{height:100%;margin:0}}#map{{background:#f4f4f0}}
.legend{{background:#fff;padding:6px 8px;font:13px sans-serif}}</style></head>
<body><div id="map"></div>
<script>{js}</script>
<script>
const DATA = {data};
// Leaflet puts tooltip strings in as HTML: names come from imported files, so escape them.
const esc = t => {{ const div = document.createElement('div'); div.textContent = String(t); return div.innerHTML; }};
const map = L.map('map', {{preferCanvas: true}});
const bounds = [];
const maxW = Math.max(...DATA.demand.map(d => d.w), 1);
for (const d of DATA.demand) {{
  bounds.push([d.lat, d.lon]);
  L.circleMarker([d.lat, d.lon], {{radius: 2 + 8 * Math.sqrt(d.w / maxW), color: d.ok ? '#2e86c1' : '#e67e22',
    weight: 1, fillOpacity: 0.4}}).bindTooltip(esc(d.id) + ' (' + Math.round(d.w) + ')').addTo(map);
}}
for (const s of DATA.sites) {{
  bounds.push([s.lat, s.lon]);
  if (!s.open) {{ L.circleMarker([s.lat, s.lon], {{radius: 2, color: '#aaa', weight: 1}}).addTo(map); continue; }}
  if (DATA.radius_m > 0) L.circle([s.lat, s.lon], {{radius: DATA.radius_m, color: DATA.colours[s.kind] || '#555',
    weight: 1, fill: false, dashArray: '4'}}).addTo(map);
  L.circleMarker([s.lat, s.lon], {{radius: 6, color: '#000', weight: 1, fillColor: DATA.colours[s.kind] || '#555',
    fillOpacity: 1}}).bindTooltip(esc(s.name) + ' [' + esc(s.kind) + ']').addTo(map);
}}
if (bounds.length) map.fitBounds(bounds, {{padding: [20, 20]}}); else map.setView([11, 106.7], 10);
const legend = L.control({{position: 'topright'}});
legend.onAdd = () => {{ const div = L.DomUtil.create('div', 'legend');
  div.innerHTML = '<b>{summary}</b><br>' + Object.entries(DATA.colours).map(([k, c]) =>
    '<span style="color:' + c + '">&#9679;</span> ' + k).join('<br>') +
    '<br><span style="color:#e67e22">&#9679;</span> chưa đạt chuẩn / not covered'; return div; }};
legend.addTo(map);
</script></body></html>
"""


def write_png_map(path: Path, problem: PlanningProblem, result: PlanResult, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    features = map_features(problem, result)
    fig, ax = plt.subplots(figsize=(8, 8), dpi=100)
    demand = features["demand"]
    if demand:
        weights = np.array([d["w"] for d in demand])
        sizes = 4 + 80 * np.sqrt(weights / max(weights.max(), 1e-9))
        colours = ["#2e86c1" if d["ok"] else "#e67e22" for d in demand]
        ax.scatter([d["lon"] for d in demand], [d["lat"] for d in demand], s=sizes, c=colours, alpha=0.4)
    for kind, colour in KIND_COLOURS.items():
        chosen = [s for s in features["sites"] if s["open"] and s["kind"] == kind]
        if chosen:
            ax.scatter(
                [s["lon"] for s in chosen],
                [s["lat"] for s in chosen],
                s=50,
                c=colour,
                edgecolors="black",
                label=kind,
                zorder=3,
            )
    ax.set_title(title)
    ax.set_aspect(1.0 / np.cos(np.radians(np.mean(problem.demand.lat) if len(problem.demand) else 0.0)))
    ax.legend(loc="upper right", fontsize=8)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


ACTION_WORDS = {
    "close": ("Đóng", "Close"),
    "upgrade": ("Nâng cấp thành chi nhánh", "Upgrade to branch"),
    "open": ("Mở chi nhánh mới", "Open new branch"),
}
KIND_WORDS = {
    "center": ("Trung tâm", "Center"),
    "branch": ("Chi nhánh", "Branch"),
    "reception_point": ("Điểm tiếp nhận", "Reception point"),
    "candidate": ("Địa điểm ứng viên", "Candidate site"),
    "closed": ("Đã đóng", "Closed"),
    "none": ("—", "—"),
}


def decision_tables(result: PlanResult) -> dict[str, tuple[list[str], list[list]]]:
    """The decision as tables (bilingual headers): the changes by name, and each commune before/after.
    One home for the CLI's CSV files and the planning page's CSV and Excel exports."""
    changes = [
        [
            change["phase"],
            " / ".join(ACTION_WORDS[change["action"]]),
            change["site_id"],
            change["name"],
            " / ".join(KIND_WORDS.get(change["kind_before"], (change["kind_before"],) * 2)),
            " / ".join(KIND_WORDS.get(change["kind_after"], (change["kind_after"],) * 2)),
        ]
        for change in result.details.get("changes", [])
    ]
    communes = [
        [
            row["commune"],
            row["name"],
            round(row["people"]),
            row["unit_before"],
            row["unit_after"],
            round(row["minutes_before"], 1),
            round(row["minutes_after"], 1),
            round(100 * row["within_standard_before"], 1),
            round(100 * row["within_standard_after"], 1),
        ]
        for row in result.details.get("communes", [])
    ]
    return {
        "changes": (
            [
                "Giai đoạn / Phase",
                "Thay đổi / Change",
                "Mã / Code",
                "Tên / Name",
                "Trước / Before",
                "Sau / After",
            ],
            changes,
        ),
        "communes": (
            [
                "Mã xã / Commune code",
                "Xã / Commune",
                "Dân số / People",
                "Điểm phục vụ trước / Unit before",
                "Điểm phục vụ sau / Unit after",
                "Phút trước / Minutes before",
                "Phút sau / Minutes after",
                "% đạt chuẩn trước / % within standard before",
                "% đạt chuẩn sau / % within standard after",
            ],
            communes,
        ),
    }


def write_table_csv(path: Path, headers: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads the diacritics
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def decision_workbook(result: PlanResult):
    """An openpyxl workbook: one sheet per decision table, headers bold, columns sized."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    titles = {"changes": "Thay đổi - Changes", "communes": "Theo xã - By commune"}
    for key, (headers, rows) in decision_tables(result).items():
        sheet = book.create_sheet(titles[key])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for index, header in enumerate(headers, start=1):
            width = max([len(str(header))] + [len(str(r[index - 1])) for r in rows]) + 2
            sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(width, 60)
        sheet.freeze_panes = "A2"
    return book


def format_decision(result: PlanResult, communes_shown: int = 15) -> str:
    """The decision in plain words for the terminal: the changes by name, then the communes whose
    travel changes most."""
    details = result.details
    if details.get("reason_en"):
        return f"{details['reason_vi']}\n{details['reason_en']}"
    lines = []
    counts = {a: sum(1 for c in details.get("changes", []) if c["action"] == a) for a in ACTION_WORDS}
    lines.append(
        f"Kế hoạch: đóng {counts['close']} điểm tiếp nhận, nâng cấp {counts['upgrade']} thành chi nhánh, "
        f"mở {counts['open']} chi nhánh mới."
    )
    lines.append(
        f"Plan: close {counts['close']} reception points, upgrade {counts['upgrade']} to branches, "
        f"open {counts['open']} new branches."
    )
    for phase in details.get("phases", []):
        lines.append(
            f"  Giai đoạn / Phase {phase['phase']} ({phase['rule']}): "
            f"{phase['share_within_standard']:.1%} đạt chuẩn / within the standard, "
            f"{phase['share_within_15_min']:.1%} ≤ 15 phút / min, "
            f"TB / mean {phase['mean_minutes']:.1f} phút / min"
        )
    for change in details.get("changes", []):
        vi, en = ACTION_WORDS[change["action"]]
        lines.append(f"  [{change['phase']}] {vi} / {en}: {change['name']} ({change['site_id']})")
    communes = sorted(
        details.get("communes", []),
        key=lambda r: -abs(r["minutes_after"] - r["minutes_before"]) * r["people"],
    )[:communes_shown]
    if communes:
        lines.append(
            "Xã thay đổi nhiều nhất / Communes that change most (phút / minutes, trước → sau / before → after):"
        )
        for row in communes:
            lines.append(
                f"  {row['name']}: {row['minutes_before']:.1f} → {row['minutes_after']:.1f}; "
                f"{row['unit_before']} → {row['unit_after']}"
            )
    return "\n".join(lines)


def write_all(
    out_dir: Path, problem: PlanningProblem, result: PlanResult, payload: dict, title: str
) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / name for name in ("result.json", "sites.csv", "demand.csv", "map.html", "map.png")]
    write_json(paths[0], payload)
    write_sites_csv(paths[1], problem, result.open_sites)
    write_demand_csv(paths[2], problem, result)
    write_html_map(paths[3], problem, result, title)
    write_png_map(paths[4], problem, result, title)
    if result.model == "upgrade_close":
        for key, (headers, rows) in decision_tables(result).items():
            paths.append(out_dir / f"{key}.csv")
            write_table_csv(paths[-1], headers, rows)
        paths.append(out_dir / "decision.xlsx")
        decision_workbook(result).save(paths[-1])
    return paths
