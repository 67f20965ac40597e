"""The website: which pages exist and at which address, rendering them through Jinja2, the search
index (each issue's text, searched in the browser), the social cards and the 数字报 page images.

Start at `pages.plan_pages` (Site -> every Page, pure) and `render.render_page`. `search` writes
the index of the article pages; `cards` draws sharing images; `edition` the 数字报 pages;
`reading` the reader's aids (contents, reading time, summaries, related articles).
Imports the source wing and the shared modules."""
