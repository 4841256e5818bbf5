"""Write planning results: JSON, CSV (sites, demand), offline Leaflet HTML map, PNG."""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

import numpy as np

from .data import RULE_WORDS_VI
from .planner import PlanningProblem
from .result import PlanResult, to_jsonable

LEAFLET_DIR = Path(__file__).parent / "static" / "planning" / "leaflet"


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


ACTIONS = ("close", "upgrade", "open", "keep")
MARKS = {"close": "✕", "upgrade": "▲", "open": "■", "keep": "●"}
ACTION_COLOURS = {"close": "#c0392b", "upgrade": "#1f4e9c", "open": "#7d3c98", "keep": "#1e8449"}
# Travel-time classes for the communes' colours (minutes, upper bounds) and their colours.
MINUTE_CLASSES = [(15.0, "#1a9850"), (30.0, "#f4d03f"), (45.0, "#e67e22"), (float("inf"), "#c0392b")]


def site_decisions(
    problem: PlanningProblem, result: PlanResult, commune_of: dict[str, str] | None = None
) -> list[dict]:
    """What happens to each site, by name, commune and type: close, upgrade, open or keep (existing
    units and the candidate sites that open; unused candidates are left out). The one list behind the
    planning page's table, its exports and the map's marks."""
    commune_of = commune_of or {}
    sites = problem.sites
    opened = set(result.open_sites)
    changes = {c["site_id"]: c["action"] for c in result.details.get("changes", [])}
    rows = []
    for i, site_id in enumerate(sites.ids.tolist()):
        kind = str(sites.kind[i])
        if site_id in changes:
            action = changes[site_id]
        elif kind == "candidate":
            if site_id not in opened:
                continue
            action = "open"
        else:
            action = "keep" if site_id in opened else "close"
        new_kind = "branch" if result.model == "upgrade_close" else "new_site"
        after = {"close": "closed", "upgrade": "branch", "open": new_kind, "keep": kind}[action]
        rows.append(
            {
                "action": action,
                "site_id": str(site_id),
                "name": str(sites.names[i]),
                "commune": commune_of.get(str(site_id), ""),
                "kind_before": "none" if kind == "candidate" else kind,
                "kind_after": after,
                "lat": float(sites.lat[i]),
                "lon": float(sites.lon[i]),
            }
        )
    rows.sort(key=lambda r: (ACTIONS.index(r["action"]), r["name"]))
    return rows


def travel_before_after(problem: PlanningProblem, result: PlanResult) -> tuple:
    """Minutes to the nearest unit per demand point: today's network, then the plan's."""
    existing = problem.sites.kind != "candidate"
    after = np.isin(problem.sites.ids, result.open_sites)
    _, _, before_minutes = problem.nearest(existing)
    _, _, after_minutes = problem.nearest(after)
    return before_minutes, after_minutes


def map_features(
    problem: PlanningProblem,
    result: PlanResult,
    *,
    labels: list[dict] | None = None,
    decisions: list[dict] | None = None,
) -> dict:
    """What the map draws: communes' points coloured by minutes before and after, each site's mark,
    district labels; the reach is the travel model's own minutes, not a drawn circle."""
    covered = {row["id"]: row["covered"] for row in result.demand}
    weight = problem.weight()
    before, after = travel_before_after(problem, result)
    names = problem.demand.names
    demand = [
        {
            "lat": round(float(problem.demand.lat[i]), 6),
            "lon": round(float(problem.demand.lon[i]), 6),
            "w": float(weight[i]),
            "ok": bool(covered.get(problem.demand.ids[i], True)),
            "id": str(problem.demand.ids[i]),
            "name": str(names[i]) if names is not None and names[i] else str(problem.demand.ids[i]),
            "before": round(float(before[i]), 1) if np.isfinite(before[i]) else None,
            "after": round(float(after[i]), 1) if np.isfinite(after[i]) else None,
        }
        for i in range(len(problem.demand))
    ]
    decisions = decisions if decisions is not None else site_decisions(problem, result)
    return {
        "demand": demand,
        "sites": [
            {k: d[k] for k in ("lat", "lon", "name", "action", "kind_before", "kind_after")}
            for d in decisions
        ],
        "labels": labels or [],
        "marks": MARKS,
        "colours": ACTION_COLOURS,
        "classes": [[limit if np.isfinite(limit) else None, colour] for limit, colour in MINUTE_CLASSES],
        "rule": f"{problem.rule.describe(RULE_WORDS_VI)} / {problem.rule.describe()}",
    }


def write_html_map(
    path: Path,
    problem: PlanningProblem,
    result: PlanResult,
    title: str,
    *,
    labels: list[dict] | None = None,
    decisions: list[dict] | None = None,
) -> None:
    """Self-contained page: Leaflet inlined, no tiles (blank background), no network."""
    leaflet_js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    leaflet_css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    features = map_features(problem, result, labels=labels, decisions=decisions)
    data = json.dumps(to_jsonable(features), ensure_ascii=False).replace("</", "<\\/")
    page = _HTML_TEMPLATE.format(
        title=html.escape(title),
        css=leaflet_css,
        js=leaflet_js.replace("</script", "<\\/script"),
        data=data,
    )
    Path(path).write_text(page, encoding="utf-8")


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title>
<style>{css}</style>
<style>html,body,#map{{height:100%;margin:0}}#map{{background:#f4f4f0}}
.legend{{background:#fff;padding:6px 8px;font:13px sans-serif;line-height:1.5}}
.mark{{font:bold 16px sans-serif;text-align:center;line-height:18px;text-shadow:0 0 2px #fff,0 0 2px #fff}}
.district-label{{font:600 12px sans-serif;color:#34495e;white-space:nowrap;text-shadow:0 0 3px #fff,0 0 3px #fff;
  pointer-events:none}}</style></head>
<body><div id="map"></div>
<script>{js}</script>
<script>
const DATA = {data};
// Leaflet puts tooltip strings in as HTML: names come from imported files, so escape them.
const esc = t => {{ const div = document.createElement('div'); div.textContent = String(t); return div.innerHTML; }};
const map = L.map('map', {{preferCanvas: true}});
const bounds = [];
const maxW = Math.max(...DATA.demand.map(d => d.w), 1);
const colourOf = m => {{ if (m === null) return '#7f8c8d';
  for (const [limit, colour] of DATA.classes) if (limit === null || m <= limit) return colour; }};
const layers = {{}};
for (const when of ['before', 'after']) {{
  const group = L.layerGroup();
  for (const d of DATA.demand) {{
    bounds.push([d.lat, d.lon]);
    const m = d[when];
    L.circleMarker([d.lat, d.lon], {{radius: 3 + 9 * Math.sqrt(d.w / maxW), color: (when === 'after' && !d.ok) ? '#000' : colourOf(m),
      weight: (when === 'after' && !d.ok) ? 2 : 1, fillColor: colourOf(m), fillOpacity: 0.55}})
      .bindTooltip(esc(d.name) + ': ' + (m === null ? '—' : m.toFixed(1) + ' phút / min') + ' · ' + Math.round(d.w) + ' người / people')
      .addTo(group);
  }}
  layers[when] = group;
}}
const before = 'Trước / Before', after = 'Sau / After';
layers.after.addTo(map);
const siteLayer = L.layerGroup().addTo(map);
for (const s of DATA.sites) {{
  bounds.push([s.lat, s.lon]);
  const icon = L.divIcon({{className: 'mark mark-' + s.action, html: '<span style="color:' + DATA.colours[s.action] + '">' +
    DATA.marks[s.action] + '</span>', iconSize: [18, 18]}});
  L.marker([s.lat, s.lon], {{icon: icon, keyboard: false}}).bindTooltip(esc(s.name) + ' [' + esc(s.action) + ']').addTo(siteLayer);
}}
const labelLayer = L.layerGroup().addTo(map);
for (const label of DATA.labels) {{
  L.marker([label.lat, label.lon], {{icon: L.divIcon({{className: 'district-label', html: esc(label.name), iconSize: null}}),
    interactive: false, keyboard: false}}).addTo(labelLayer);
}}
L.control.layers({{[before]: layers.before, [after]: layers.after}},
  {{'Điểm phục vụ / Sites': siteLayer, 'Huyện / Districts': labelLayer}}, {{collapsed: false}}).addTo(map);
L.control.scale({{metric: true, imperial: false}}).addTo(map);
if (bounds.length) map.fitBounds(bounds, {{padding: [20, 20]}}); else map.setView([11, 106.7], 10);
const legend = L.control({{position: 'bottomright'}});
const words = {{close: 'đóng / closed', upgrade: 'nâng cấp / upgraded', open: 'mở mới / opened', keep: 'giữ / kept'}};
legend.onAdd = () => {{ const div = L.DomUtil.create('div', 'legend');
  let low = 0, html = '<b>' + esc(DATA.rule) + '</b><br>';
  for (const [limit, colour] of DATA.classes) {{
    html += '<span style="color:' + colour + '">&#9679;</span> ' + (limit === null ? '&gt; ' + low : low + '–' + limit) + ' phút / min<br>';
    low = limit; }}
  html += '<span style="color:#000">&#9711;</span> ngoài chuẩn / outside the standard<br>';
  for (const action of Object.keys(words)) html += '<span style="color:' + DATA.colours[action] + '">' + DATA.marks[action] + '</span> ' + words[action] + '<br>';
  div.innerHTML = html; return div; }};
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
        colours = [_minute_colour(d["after"]) for d in demand]
        ax.scatter([d["lon"] for d in demand], [d["lat"] for d in demand], s=sizes, c=colours, alpha=0.5)
    markers = {"close": "x", "upgrade": "^", "open": "s", "keep": "o"}
    for action, marker in markers.items():
        chosen = [s for s in features["sites"] if s["action"] == action]
        if chosen:
            ax.scatter(
                [s["lon"] for s in chosen],
                [s["lat"] for s in chosen],
                s=50,
                c=ACTION_COLOURS[action],
                marker=marker,
                label=action,
                zorder=3,
            )
    ax.set_title(title)
    ax.set_aspect(1.0 / np.cos(np.radians(np.mean(problem.demand.lat) if len(problem.demand) else 0.0)))
    ax.legend(loc="upper right", fontsize=8)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def _minute_colour(minutes: float | None) -> str:
    if minutes is None:
        return "#7f8c8d"
    return next(colour for limit, colour in MINUTE_CLASSES if minutes <= limit)


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
    "new_site": ("Điểm mới", "New site"),
    "none": ("—", "—"),
}


ACTION_WORDS["keep"] = ("Giữ nguyên", "Keep")


def _words(table: dict, key: str) -> str:
    return " / ".join(table.get(key, (key, key)))


def decision_tables(
    details: dict, decisions: list[dict] | None = None
) -> dict[str, tuple[list[str], list[list]]]:
    """The decision as tables (bilingual headers): every site's fate (``decisions``, from
    :func:`site_decisions`) or else the changes by name, and each commune before/after when the model
    reports it. One home for the CLI's CSV files and the planning page's CSV and Excel exports."""
    tables: dict[str, tuple[list[str], list[list]]] = {}
    if decisions is not None:
        tables["sites"] = (
            [
                "Quyết định / Decision",
                "Tên / Name",
                "Mã / Code",
                "Xã / Commune",
                "Loại trước / Type before",
                "Loại sau / Type after",
            ],
            [
                [
                    _words(ACTION_WORDS, d["action"]),
                    d["name"],
                    d["site_id"],
                    d["commune"],
                    _words(KIND_WORDS, d["kind_before"]),
                    _words(KIND_WORDS, d["kind_after"]),
                ]
                for d in decisions
            ],
        )
    else:
        tables["changes"] = (
            [
                "Giai đoạn / Phase",
                "Thay đổi / Change",
                "Mã / Code",
                "Tên / Name",
                "Trước / Before",
                "Sau / After",
            ],
            [
                [
                    change["phase"],
                    _words(ACTION_WORDS, change["action"]),
                    change["site_id"],
                    change["name"],
                    _words(KIND_WORDS, change["kind_before"]),
                    _words(KIND_WORDS, change["kind_after"]),
                ]
                for change in details.get("changes", [])
            ],
        )
    communes = details.get("communes")
    if communes:
        tables["communes"] = (
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
            [
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
                for row in communes
            ],
        )
    return tables


def write_table_csv(path: Path, headers: list[str], rows: list[list]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:  # BOM: Excel reads the diacritics
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def decision_workbook(details: dict, decisions: list[dict] | None = None):
    """An openpyxl workbook: one sheet per decision table, headers bold, columns sized."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    titles = {
        "sites": "Quyết định - Decision",
        "changes": "Thay đổi - Changes",
        "communes": "Theo xã - By commune",
    }
    for key, (headers, rows) in decision_tables(details, decisions).items():
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
            f"  Giai đoạn / Phase {phase['phase']} ({phase.get('rule_vi', phase['rule'])} / {phase['rule']}): "
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
        for key, (headers, rows) in decision_tables(result.details).items():
            paths.append(out_dir / f"{key}.csv")
            write_table_csv(paths[-1], headers, rows)
        paths.append(out_dir / "decision.xlsx")
        decision_workbook(result.details).save(paths[-1])
    return paths
