"""编辑部: the editor's desk in the browser, mounted into the preview server at /编辑部/ (and /desk/).

Two layers: the HTTP side (app.py routes, security.py sessions, tokens, Host/Origin checks, logins)
and the service side (board.py, articles.py, history.py, uploads.py, review.py, tasks.py, publishing.py), which
calls the same functions as the command line (scaffold, wordimport, check, proof, builder, deploy),
so that the desk and `build.py` never disagree.
"""
