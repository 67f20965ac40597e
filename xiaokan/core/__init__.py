"""What every wing uses and none owns: the error value and its one-line rendering (`errors`), the
editor's language (`i18n`, gettext), the one URL scheme (`urls`), the one link policy (`policy`),
a library's fault in the editor's words (`reasons`), what a Chinese character is (`han`), the process
pool (`parallel`), the cache keys (`fingerprints`) and the floor plan of the package (`layers`). Nothing here imports a wing."""
