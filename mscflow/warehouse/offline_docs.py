"""Make Great Expectations Data Docs readable with no network.

GX pages load Bootstrap, jQuery and bootstrap-table from CDNs; offline they render unstyled
and the index's results table (built by bootstrap-table in JavaScript) stays empty. We drop
the CDN tags and add a local stylesheet plus a tiny jQuery stand-in that renders those tables
as plain HTML and ignores the purely cosmetic calls."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

_CDN_TAG = re.compile(
    r"<script[^>]*\bsrc=\"https?://[^\"]*\"[^>]*>\s*</script>|<link[^>]*\bhref=\"https?://[^\"]*\.css\"[^>]*/?>",
    re.IGNORECASE,
)

OFFLINE_CSS = """\
body{font-family:system-ui,sans-serif;margin:0 1.5rem;color:#222;background:#fff}
table{border-collapse:collapse;margin:.5rem 0;width:100%}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
.text-danger,.failed{color:#b00020}.text-success{color:#116611}
.collapse:not(.show),.d-none,.modal,.cooltip .top{display:none}
nav,.navbar{padding:.5rem 0;border-bottom:1px solid #ddd}
img{max-height:2rem}
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
        if "offline.js" not in new:
            new = new.replace("</head>", tags + "</head>", 1)
        if new != text:
            page.write_text(new, encoding="utf-8")
