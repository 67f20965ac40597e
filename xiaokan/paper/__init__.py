"""The print edition: an issue as print HTML, typeset for Chinese (禁则, punctuation compression,
justification), laid out by WeasyPrint into a PDF, and checked before it goes to the print office.

Start at `issuepdfs.issue_pdfs` (Site -> one PDF per issue, cached by its inputs; `pdf` renders one). `typeset`, `cjklayout`
and `printmarkup` prepare the text; `press` holds the colours and PDF/X output intents; `preflight`
reads the finished PDF back; `fonts` and `qr` are small helpers.
Imports the web wing (templates, page images), the source wing and the shared modules."""
