/// The page's only stylesheet, inlined. Colours are CSS variables with a second set under
/// `prefers-color-scheme: dark`, so the same file reads well in either mode; run colours are
/// from the Okabe–Ito colour-blind-safe palette, lightened for dark backgrounds.
enum ReportStyle {
    /// How many distinct run colours there are; further runs reuse them in order.
    static let runColourCount = 6

    static let css = """
    :root {
      color-scheme: light dark;
      --bg: #ffffff; --fg: #1d1f24; --muted: #5b6170; --panel: #f5f6f8; --line: #d9dce3;
      --grid: #e6e8ed; --frame: #9aa0ac; --raw-opacity: 0.28;
      --run-0: #0a6db5; --run-1: #d55e00; --run-2: #00916b; --run-3: #b03f95; --run-4: #8a6a00; --run-5: #4f5966;
    }
    @media (prefers-color-scheme: dark) {
      :root {
        --bg: #15171c; --fg: #e7e9ee; --muted: #a3a9b6; --panel: #1f2229; --line: #363b46;
        --grid: #2b2f38; --frame: #6d7482; --raw-opacity: 0.38;
        --run-0: #62b6ff; --run-1: #ff9a5c; --run-2: #3fd6a6; --run-3: #ee8fd8; --run-4: #f1c64a; --run-5: #c3cbd6;
      }
    }
    * { box-sizing: border-box; }
    body { margin: 0; padding: 0 24px 48px; background: var(--bg); color: var(--fg);
      font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
    h1 { font-size: 24px; margin: 20px 0 4px; }
    h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
    h2 code { color: var(--muted); font-size: 15px; font-weight: 400; margin-right: 6px; }
    h3 { font-size: 16px; margin: 20px 0 8px; }
    p.lead { margin: 0 0 8px; color: var(--muted); }
    code, pre { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
    header.legend { position: sticky; top: 0; z-index: 1; background: var(--bg); padding: 10px 0;
      border-bottom: 1px solid var(--line); }
    ul.legend { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0; padding: 0; list-style: none; }
    ul.legend li { display: flex; align-items: center; gap: 8px; white-space: nowrap; }
    ul.legend li.key { color: var(--muted); }
    ul.legend svg { width: 30px; height: 12px; flex: none; }
    .notes { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; }
    .notes li { margin: 2px 0; }
    .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 18px 24px; }
    figure.chart { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
      padding: 10px 12px 6px; }
    figure.chart figcaption { display: flex; justify-content: space-between; gap: 12px; font-weight: 600; }
    figure.chart figcaption .hint { font-weight: 400; color: var(--muted); font-size: 13px; }
    svg.chart-plot { display: block; width: 100%; height: auto; }
    svg.chart-plot text { fill: var(--muted); font-size: 13px; }
    svg.chart-plot text.axis-title { fill: var(--fg); font-size: 13px; }
    svg.chart-plot .grid line { stroke: var(--grid); stroke-width: 1; }
    svg.chart-plot .frame { fill: none; stroke: var(--frame); stroke-width: 1; }
    path.raw, path.smoothed, line.raw, line.smoothed { fill: none; stroke-linejoin: round; stroke-linecap: round; }
    path.raw, line.raw { stroke-width: 1; stroke-opacity: var(--raw-opacity); }
    path.smoothed, line.smoothed { stroke-width: 2.2; }
    .neutral { stroke: var(--fg); }
    .run-0 { stroke: var(--run-0); } .run-1 { stroke: var(--run-1); } .run-2 { stroke: var(--run-2); }
    .run-3 { stroke: var(--run-3); } .run-4 { stroke: var(--run-4); } .run-5 { stroke: var(--run-5); }
    table { border-collapse: collapse; margin: 4px 0 12px; }
    caption { text-align: left; font-weight: 600; padding: 4px 0; }
    th, td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
    thead th { border-bottom: 2px solid var(--frame); }
    th[scope="row"] { white-space: nowrap; }
    table.eval th[scope="row"] { font-weight: 400; }
    table.eval thead th.number { text-align: right; }
    td.number { text-align: right; font-variant-numeric: tabular-nums; }
    td.best { font-weight: 700; }
    td.absent, .absent, caption .hint { color: var(--muted); }
    caption .hint { font-weight: 400; font-size: 13px; }
    .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
    .swatch.run-0 { background: var(--run-0); } .swatch.run-1 { background: var(--run-1); }
    .swatch.run-2 { background: var(--run-2); } .swatch.run-3 { background: var(--run-3); }
    .swatch.run-4 { background: var(--run-4); } .swatch.run-5 { background: var(--run-5); }
    details { margin: 8px 0; }
    summary { cursor: pointer; font-weight: 600; }
    pre.config { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px;
      overflow-x: auto; white-space: pre; }
    """
}
