"""Make Great Expectations Data Docs readable with no network.

GX pages load Bootstrap, jQuery, bootstrap-table and Font Awesome from CDNs, and the logo from
S3; offline they render unstyled, with a broken image, an empty Status column (its icons are
Font Awesome glyphs) and an empty index table (built by bootstrap-table in JavaScript). We drop
the CDN tags, point the logo at the copy GX itself puts in the site's ``static/images``, and add
a local stylesheet (GX's own HKGrotesk fonts from ``static/fonts``, the few Bootstrap layout
classes the pages use, the status icons as characters) plus a tiny jQuery stand-in that renders
the index tables as plain HTML and ignores the purely cosmetic calls. ``Data asset: None`` (GX
does not record a name for an in-memory DataFrame) is replaced by the suite's table."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

_CDN_TAG = re.compile(
    r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>|<link[^>]*\bhref=\"https?://[^\"]*\.css\"[^>]*/?>",
    re.IGNORECASE,
)

_LOGO = re.compile(r'src="https?://[^"]*/(logo-long\.png)(?:\?[^"]*)?"')
_DATA_ASSET = re.compile(r"Data asset: None")
# GX writes links into static/ with one "../" too few on validation pages (the favicon 404s)
_STATIC_LINK = re.compile(r'((?:href|src)=")(?:\./|(?:\.\./)+)?static/')

OFFLINE_CSS = """\
@font-face{font-family:HKGrotesk;src:url(fonts/HKGrotesk/HKGrotesk-Regular.otf)}
@font-face{font-family:HKGrotesk;font-weight:bold;src:url(fonts/HKGrotesk/HKGrotesk-Bold.otf)}
*{box-sizing:border-box}
body{font-family:HKGrotesk,system-ui,sans-serif;margin:0;color:#212529;background:#f7f8fa;line-height:1.45}
a{color:#0062cc;text-decoration:none}a:hover{text-decoration:underline}
table{border-collapse:collapse;margin:.5rem 0;width:100%;background:#fff}
th,td{border:1px solid #dee2e6;padding:.3rem .55rem;text-align:left;vertical-align:top}
thead th{background:#eef1f5}
.text-danger,.failed{color:#b00020}.text-success{color:#1e7e34}.text-muted{color:#6c757d}
.collapse:not(.show),.d-none,.modal,.cooltip .top,.btn,.sticky{display:none}
nav,.navbar{display:flex;align-items:center;gap:1rem;padding:.5rem 1rem;background:#fff;border-bottom:1px solid #dee2e6}
.navbar img{height:2rem}
.container-fluid,.container{padding:1rem}
.row{display:flex;flex-wrap:wrap;margin:0 -.5rem}
.row>*{padding:0 .5rem}
.col-12,.col{flex:1 1 100%}.col-md-2{flex:0 0 16.6%}.col-md-3{flex:0 0 25%}.col-md-4{flex:0 0 33.3%}
.col-md-6{flex:0 0 50%}.col-md-8{flex:0 0 66.6%}.col-md-9{flex:0 0 75%}.col-md-10{flex:0 0 83.3%}
@media (max-width:900px){[class*=col-md-]{flex:1 1 100%}}
.card{background:#fff;border:1px solid #dee2e6;border-radius:.35rem;margin-bottom:1rem}
.card-header{padding:.5rem .9rem;background:#eef1f5;border-bottom:1px solid #dee2e6;font-weight:bold}
.card-body{padding:.7rem .9rem}
.list-group{list-style:none;padding:0;margin:0}.list-group-item{padding:.3rem .6rem;border-bottom:1px solid #eee}
.badge{display:inline-block;padding:.1rem .45rem;border-radius:.6rem;background:#e9ecef;font-size:.8em}
.badge-success,.bg-success{background:#d4edda;color:#155724}.badge-danger,.bg-danger{background:#f8d7da;color:#721c24}
.fas,.far,.fa{font-style:normal;font-weight:bold}
.fa-check-circle::before,.fa-check::before{content:"\\2714"}
.fa-times-circle::before,.fa-times::before,.fa-exclamation-triangle::before{content:"\\2716"}
.fa-info-circle::before,.fa-question-circle::before{content:"\\24D8"}
"""

# $(sel).bootstrapTable({columns, data}) -> a plain table; $(fn) / .ready(fn) run fn; any other
# method is a no-op returning the same object, so GX's inline scripts run without errors.
OFFLINE_JS = """\
(function () {
  function cell(row, col) {
    if (col.field === 'validation_success' && row._validation_success_text) {
      return row._validation_success_text;
    }
    var v = row[col.field];
    return v === undefined || v === null ? '' : String(v);
  }
  function render(el, opts) {
    if (!el || !opts || !opts.columns) { return; }
    var out = '<thead><tr>' + opts.columns.map(function (c) { return '<th>' + c.title + '</th>'; }).join('') + '</tr></thead><tbody>';
    (opts.data || []).forEach(function (row) {
      var link = row._table_row_link_path;
      out += '<tr>' + opts.columns.map(function (c, i) {
        var v = cell(row, c);
        return '<td>' + (i === 0 && link ? '<a href="' + link + '">' + v + '</a>' : v) + '</td>';
      }).join('') + '</tr>';
    });
    el.innerHTML = out + '</tbody>';
  }
  function onReady(fn) {
    if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', fn); } else { fn(); }
  }
  function wrap(target) {
    var els = typeof target === 'string' ? Array.prototype.slice.call(document.querySelectorAll(target)) : [target];
    var proxy = new Proxy({}, {
      get: function (_, name) {
        if (name === 'bootstrapTable') {
          return function (opts) { if (typeof opts === 'object') { els.forEach(function (e) { render(e, opts); }); } return proxy; };
        }
        if (name === 'ready') { return function (fn) { onReady(fn); return proxy; }; }
        return function () { return proxy; };
      }
    });
    return proxy;
  }
  window.$ = window.jQuery = function (target) {
    if (typeof target === 'function') { onReady(target); return wrap(document); }
    return wrap(target);
  };
})();
"""


_SUITE = re.compile(r"Expectation Suite:</(?:span|strong)>\s*<a[^>]*>\s*([^<]+?)\s*</a>")


def _suite_name(page: str) -> str | None:
    m = _SUITE.search(page)
    return m.group(1).strip() if m else None


def make_offline(docs_dir: Path) -> None:
    """Rewrite every Data Docs page under ``docs_dir`` to use only local static files."""
    static = docs_dir / "static"
    static.mkdir(parents=True, exist_ok=True)
    (static / "offline.css").write_text(OFFLINE_CSS, encoding="utf-8")
    (static / "offline.js").write_text(OFFLINE_JS, encoding="utf-8")
    for page in docs_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        rel = os.path.relpath(static, page.parent)
        tags = (f'<link rel="stylesheet" href="{html.escape(rel)}/offline.css">'
                f'<script src="{html.escape(rel)}/offline.js"></script>')
        new = _CDN_TAG.sub("", text)
        here = html.escape(rel)
        new = _LOGO.sub(lambda m, here=here: f'src="{here}/images/{m.group(1)}"', new)
        new = _STATIC_LINK.sub(lambda m, here=here: f"{m.group(1)}{here}/", new)
        suite = _suite_name(new)
        if suite:
            new = _DATA_ASSET.sub(f"Data asset: {html.escape(suite)}", new)
        if "offline.js" not in new:
            new = new.replace("</head>", tags + "</head>", 1)
        if new != text:
            page.write_text(new, encoding="utf-8")
