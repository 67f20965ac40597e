"""The editor's tools, above the build: the live preview (`serve.serve`), `check.check_site`,
new issues and articles (`scaffold`), importing Word files (`wordimport.import_documents`: the file
vetted by `docxlimits`, read by mammoth (its simple fields unfolded by `docxfields`) and `docxread`
(`docxlists` Word's numbering, `docxreport` what the report finds), arranged by `docxarticle`, `docxfront`,
`docxcontents` (the 目录), `docxlabels` (Word's numbers), `docxpictures` and `docxtables` (placeholders:
`docxtokens`), its text escaped by `mdtext`, the result checked by `importcheck`), proofs with their 修改对照 (`proof.make_proof`) and the 公众号版 (`wechat`).
They call the same builder the command line does, so the desk and `build.py` can never disagree."""
