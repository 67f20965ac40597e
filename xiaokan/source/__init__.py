"""Reading what editors wrote: site.yaml, the content/ tree and everything an article's Markdown
pulls in (CSV tables, charts, photos, SVG, footnotes), checked into frozen dataclasses.

Start at `content.load_site` (site.yaml + content/ -> Site) and `markup.render_markdown`
(an article's Markdown -> Body, the HTML every edition starts from). `model` holds the dataclasses;
`config` validates site.yaml; `yamlfile` reads YAML with line numbers for messages.
Imports only the shared modules at the top of the package."""
