// The article editor (front matter as a form, the body in a plain textarea with a toolbar, the page
// as readers see it beside it, check's findings beside their lines) and an article's history.
// A textarea rather than an editor component: it is what screen readers, phones and Chinese input
// methods handle best, and it needs nothing vendored.
"use strict";

// Every setting of an article (frontmatter.FIELDS), with what to write where it is not obvious.
const FORM = [["title", "标题", "text"], ["subtitle", "副标题", "text"], ["section", "栏目", "select"],
  ["date", "日期", "date", "空着就用本期的日期"], ["author", "作者", "text", "几位作者用顿号隔开"], ["source", "来源", "text"],
  ["photographer", "摄影", "text", "网页和 PDF 上显示在作者旁边；插入照片时也写在图片说明后，如“张三 摄”"],
  ["tags", "标签", "text", "用顿号隔开"], ["summary", "摘要", "text"], ["order", "排序", "text", "本栏目里的第几篇（看板上拖动也会改）"],
  ["slug", "地址", "text", "网址的最后一段：小写英文字母、数字和 -。草稿的网址跟着标题走；要固定网址，发布前写在这里"],
  ["headline", "头条", "checkbox"], ["draft", "草稿", "checkbox"]];
const STEPS = ["初审", "复审", "终审"];
const WHO_MAY = {"初审": "编辑、审核和主编都能初审", "复审": "只有审核和主编能复审", "终审": "只有主编能终审",
  "草稿": "只有主编能改“草稿”：终审通过才取消草稿，退回才变回草稿"};

Desk.views.edit = async function (main, path, line) {
  const loaded = await api("GET", "api/article?path=" + encodeURIComponent(path));
  if (!loaded.ok) {
    fill(main, el("p", {class: "error", role: "alert", text: loaded.data.error}), el("a", {href: "#/", text: "回到看板"}));
    return;
  }
  const editor = new ArticleEditor(main, loaded.data);
  Desk.leave = function () { return !editor.dirty || confirm("有未保存的修改，确定离开吗？"); };
  editor.check();
  if (line) editor.goTo(line);
};

class ArticleEditor {
  constructor(main, article) {
    this.article = article;
    this.digest = article.digest;
    this.dirty = false;
    this.findings = [];
    this.inputs = {};
    this.build(main);
  }

  build(main) {
    const a = this.article;
    const raw = a.fields === null;
    this.main = main;
    this.body = el("textarea", {id: "body", name: "body", spellcheck: "false", rows: 24, oninput: () => this.changed(),
      onscroll: () => this.mark(), ondragover: (e) => { if (e.dataTransfer.types.includes("Files")) e.preventDefault(); },
      ondrop: (e) => this.dropPhoto(e)});
    this.body.value = a.body;
    this.gutter = el("div", {class: "gutter", "aria-hidden": "true"});
    this.mirror = el("div", {class: "mirror", "aria-hidden": "true"});
    this.list = el("ul", {class: "findings", "aria-live": "polite", "aria-label": "检查结果"});
    this.saved = el("span", {class: "saved", role: "status"});
    this.url = null;   // (known once the article is checked: a draft's address follows its title)
    this.frame = el("iframe", {title: "读者看到的文章", class: "look-frame"});
    this.steps = el("div", {class: "review"});
    fill(main,
      el("div", {class: "editor-head"},
        el("a", {href: "#/", text: "← 稿件看板"}),
        this.heading = el("h1", {text: (a.fields && a.fields.title) || a.path}),
        el("span", {class: "where", text: a.issue_title + "　" + a.path}),
        el("a", {href: "#/history/" + a.path, text: "历史版本"}),
        Desk.articleActions ? Desk.articleActions(a, () => this.dirty) : null),
      this.steps,
      !raw && !a.fields.draft && !Desk.may["终审"] ? el("p", {class: "why", role: "note",
        text: "这篇文章不是草稿（已定稿或已发布）：只有主编能修改它；要改，请主编或审核先“退回”成草稿。"}) : null,
      el("div", {class: "editor"},
        el("div", {class: "write"},
          raw ? el("p", {class: "error", role: "alert", text: "这篇文章开头的设置（--- 之间）读不出来，下面是整个文件；改好后保存。"})
            : this.form(),
          this.toolbar(),
          el("label", {for: "body", class: "body-label", text: "正文"}),
          el("div", {class: "body-wrap"}, this.gutter, this.body, this.mirror),
          el("div", {class: "save-row"},
            el("button", {type: "button", class: "primary", text: "保存", onclick: () => this.save()}), this.saved),
          this.list),
        el("div", {class: "look"},
          el("div", {class: "tabs", role: "group", "aria-label": "预览"},
            el("button", {type: "button", text: "网页", onclick: () => { this.look(""); }}),
            el("button", {type: "button", text: "公众号版", onclick: () => { this.look("/__xiaokan__/wechat"); }}),
            this.pdfBox = el("span", {class: "pdf", "aria-live": "polite"})),
          this.frame)));
    this.showSteps(a);
    this.showPdf();
    this.body.addEventListener("keydown", (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); this.save(); }
    });
    new ResizeObserver(() => this.mark()).observe(this.body);
  }

  form() {
    const f = this.article.fields;
    const grid = el("div", {class: "meta"});
    for (const [name, label, kind, hint] of FORM) {
      let input;
      if (kind === "select") {
        input = sectionSelect(f.section, name);
      } else if (kind === "checkbox") {
        const locked = name === "draft" && !Desk.may["终审"];
        input = el("input", {type: "checkbox", name: name, checked: Boolean(f[name]), disabled: locked,
          title: locked ? WHO_MAY["草稿"] : null, "aria-describedby": locked ? "why-draft" : null});
      } else {
        const value = name === "tags" ? (f.tags || []).join("、") : f[name] || "";
        const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) || value === "";
        input = el("input", {type: kind === "date" && iso ? "date" : "text", name: name, value: value,
          inputmode: name === "order" ? "numeric" : null, autocapitalize: name === "slug" ? "off" : null,
          spellcheck: name === "slug" ? "false" : null});
      }
      input.addEventListener("input", () => this.changed());
      input.addEventListener("change", () => this.changed());
      this.inputs[name] = input;
      grid.append(kind === "checkbox" ? el("div", {class: "check"}, input, el("label", {for: input.id = "f-" + name, text: label}),
        input.disabled ? el("small", {id: "why-draft", class: "why", text: WHO_MAY["草稿"]}) : null)
        : field(label, input, hint || null));
    }
    return grid;
  }

  toolbar() {
    const tools = [["小标题", () => this.prefix("## ")], ["加粗", () => this.wrap("**", "**", "加粗的文字")],
      ["列表", () => this.prefix("- ")], ["图片", () => this.photo()], ["表格", () => this.table()],
      ["脚注", () => this.footnote()], ["右对齐", () => this.alignRight()]];
    return el("div", {class: "format", role: "toolbar", "aria-label": "格式"},
      tools.map(([label, act]) => el("button", {type: "button", text: label, onclick: act})));
  }

  changed() {
    this.dirty = true;
    this.saved.textContent = "有未保存的修改";
  }

  values() {
    if (this.article.fields === null) return null;
    const out = {};
    for (const [name, input] of Object.entries(this.inputs)) {
      if (input.disabled) continue;   // (草稿 for a role that may not change it: left as it is)
      out[name] = input.type === "checkbox" ? input.checked : name === "tags"
        ? input.value.split(/[、,，;；]\s*/).filter(Boolean) : input.value;
    }
    return out;
  }

  async save(force) {
    const started = performance.now();
    const before = await previewState();
    const sent = await api("PUT", "api/article", {path: this.article.path, fields: this.values(), body: this.body.value,
      digest: force || this.digest});
    if (sent.status === 409) return this.conflict(sent.data.conflict);
    if (!sent.ok) { this.saved.textContent = sent.data.error; this.saved.classList.add("error"); return false; }
    const written = sent.data.digest !== this.digest;
    this.digest = sent.data.digest;
    this.dirty = false;
    this.saved.classList.remove("error");
    const saidSaved = "已保存（" + new Date().toLocaleTimeString("zh-CN") + "）";
    // (nothing new to write, as after 图片, which saves: the preview has it already and does not rebuild)
    this.saved.textContent = written ? saidSaved : saidSaved + "：没有新的改动，预览已是最新";
    this.show(sent.data, false);
    this.showSteps(sent.data);
    if (this.inputs.title && this.inputs.title.value.trim()) this.heading.textContent = this.inputs.title.value.trim();
    if (written && before) {
      await this.afterRebuild(before.serial);
      this.tellPreview(before.builds, saidSaved, this.body.value, performance.now() - started);
    }
    this.look(this.lookPrefix || "");
    if (this.article.fields === null) await this.reopenWhenReadable(saidSaved);
    return true;
  }

  // Saved as a whole file because its settings could not be read: once they can, the form comes back.
  async reopenWhenReadable(saidSaved) {
    const fresh = await api("GET", "api/article?path=" + encodeURIComponent(this.article.path));
    if (!fresh.ok || fresh.data.fields === null || this.dirty) return;
    await Desk.views.edit(this.main, this.article.path);
    say(saidSaved + "：设置读得出来了");
  }

  // 预览已更新 only once the whole build after the save has worked (the page shown ahead of it may be
  // followed by a build that fails); only while nothing was typed since: a later 已保存 must not say an
  // edit in between is saved.
  async tellPreview(builds, saidSaved, text, ms) {
    const deadline = performance.now() + 60000;
    let state = await previewState();
    while (state && !(state.builds > builds && state.settled) && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      state = await previewState();
    }
    this.showPdf();   // (the save may have made the issue's PDF out of date)
    if (!state || this.dirty || this.body.value !== text || this.saved.textContent !== saidSaved) return;
    if (!(state.builds > builds && state.settled)) return;
    if (state.errors.length) {
      this.saved.textContent = saidSaved + "，但预览出错（见预览里的说明）";
      this.saved.classList.add("error");
    } else {
      this.saved.textContent = saidSaved + "，预览已更新（" + Math.round(ms) + " 毫秒）";
    }
  }

  // The preview rebuilds on its own when the file is saved; the page is shown again once it has
  // (its address may have changed with the title, and a page asked for before the build would be missing).
  async afterRebuild(serial) {
    const deadline = performance.now() + 30000;
    while (performance.now() < deadline) {
      const state = await previewState();
      if (!state || state.serial > serial || state.errors.length) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async check() {
    const got = await api("GET", "api/findings?path=" + encodeURIComponent(this.article.path));
    if (got.ok) this.show(got.data);
  }

  // The preview page of the article (or its 公众号版); it reloads itself when the preview rebuilds.
  look(prefix) {
    this.lookPrefix = prefix;
    if (!this.url) return;
    const target = prefix + this.url;
    if (this.frame.contentWindow && this.frame.getAttribute("src") === target) this.frame.contentWindow.location.replace(target);
    else this.frame.src = target;
  }

  show(checked, showPage) {
    const findings = checked.findings;
    this.findings = findings;
    if (checked.url && checked.url !== this.url) {
      this.url = checked.url;
      if (showPage !== false) this.look(this.lookPrefix || "");
    }
    const bodyLine = this.article.body_line;
    const own = findings.filter((f) => f.kind !== "others");
    fill(this.list, ...(own.length ? [] : [el("li", {class: "ok", text: "检查通过"})]), ...findings.map((f) => el("li", {class: f.kind},
      f.line && f.line >= bodyLine ? el("button", {type: "button", class: "quiet",
        text: (this.article.fields === null ? "第" : "正文第") + (f.line - bodyLine + 1) + "行",   // (whole file: its own lines)
        onclick: () => this.goTo(f.line)}) : f.line ? el("span", {class: "where", text: "设置第" + f.line + "行　"}) : null,
      el("span", {text: f.text}))));
    this.mark();
  }

  // Marks in the gutter beside the lines findings concern (the mirror lays the text out as the textarea does).
  mark() {
    if (!this.body.isConnected) return;
    const lines = this.body.value.split("\n");
    this.mirror.style.width = this.body.clientWidth + "px";
    fill(this.mirror, ...lines.map((text) => el("div", {text: text || " "})));
    fill(this.gutter);
    for (const f of this.findings) {
      const index = f.line ? f.line - this.article.body_line : -1;
      if (index < 0 || index >= lines.length) continue;
      const top = this.mirror.children[index].offsetTop - this.body.scrollTop;
      if (top < 0 || top > this.body.clientHeight) continue;
      const mark = el("span", {class: "mark " + f.kind, title: f.text, text: f.kind === "error" ? "✖" : "!"});
      mark.style.top = top + "px";
      this.gutter.append(mark);
    }
  }

  goTo(fileLine) {
    const index = Math.max(0, fileLine - this.article.body_line);
    const lines = this.body.value.split("\n");
    const start = lines.slice(0, index).reduce((n, l) => n + l.length + 1, 0);
    this.body.focus();
    this.body.setSelectionRange(start, start + (lines[index] || "").length);
    this.mark();
    const row = this.mirror.children[index];
    if (row) this.body.scrollTop = Math.max(0, row.offsetTop - 40);
  }

  // 印刷效果（PDF）: while the preview runs, its own PDF of the issue with the drafts (asked again every
  // 2 s while it is being typeset); else the one of the last 生成网站 (print/), which has no drafts.
  async showPdf() {
    clearTimeout(this.pdfTimer);
    const state = await previewState();
    const pdf = state && state.pdfs[this.article.path.split("/")[0]];
    const why = (text) => el("span", {class: "why", text: text});
    if (!pdf && (!state || !state.pdf)) {
      fill(this.pdfBox, this.article.pdf ? el("a", {href: this.article.pdf, target: "_blank", text: "印刷效果（PDF，只有定稿的文章）"})
        : why("印刷效果（PDF）：这一期还没有 PDF（“生成网站”只把定稿的文章排进 PDF；草稿的排版要在 make serve 的预览里看）"));
      return;
    }
    const link = pdf ? el("a", {href: pdf.url, target: "_blank", text: "印刷效果（PDF，含草稿）"}) : null;
    const broken = state.errors.length || state.pdf_errors;   // (the preview typesets nothing until it is fixed)
    const typesetting = state.pdf && !broken && !(pdf && pdf.current);
    fill(this.pdfBox, link,
      !state.pdf && !pdf.current ? why("（预览这次不排 PDF（--no-pdf）：这是以前排的，不是现在的文字）")
        : broken ? why(pdf ? "（预览出错，见预览里的说明；这是上一次排好的）" : "印刷效果（PDF）：预览出错，改好以后才排版（见预览里的说明）")
          : typesetting ? why(pdf ? "（正在重新排版：这是改动前的版本）" : "印刷效果（PDF）：正在排版，排好后这里会出现链接") : null);
    if (typesetting && document.contains(this.pdfBox)) this.pdfTimer = setTimeout(() => this.showPdf(), 2000);
  }

  // --- the toolbar -------------------------------------------------------------------------------
  insert(text, selectFrom, selectTo) {
    const start = this.body.selectionStart;
    this.body.focus();
    if (!document.execCommand("insertText", false, text)) this.body.setRangeText(text, start, this.body.selectionEnd, "end");
    if (selectFrom !== undefined) this.body.setSelectionRange(start + selectFrom, start + selectTo);
    this.changed();
  }

  wrap(before, after, placeholder) {
    const b = this.body;
    const chosen = b.value.slice(b.selectionStart, b.selectionEnd) || placeholder;
    this.insert(before + chosen + after, before.length, before.length + chosen.length);
  }

  prefix(mark) {
    const b = this.body;
    const start = b.value.lastIndexOf("\n", b.selectionStart - 1) + 1;
    let end = b.value.indexOf("\n", b.selectionEnd);
    if (end < 0) end = b.value.length;
    b.setSelectionRange(start, end);
    const lines = b.value.slice(start, end).split("\n").map((l) => l.startsWith(mark) ? l : mark + l.replace(/^#+\s*|^[-*]\s+/, ""));
    this.insert(lines.join("\n"));
  }

  // A block (photo, table) after the paragraph the cursor is in, with exactly one blank line either side:
  // the newlines already there are replaced, however many there were.
  block(text) {
    const b = this.body;
    const v = b.value;
    let cursor = b.selectionEnd;
    while (cursor > 0 && v[cursor - 1] === "\n") cursor--;
    const at = v.indexOf("\n\n", cursor);
    let start = at < 0 ? v.replace(/\n+$/, "").length : at;
    while (start > 0 && v[start - 1] === "\n") start--;
    let end = start;
    while (end < v.length && v[end] === "\n") end++;
    b.setSelectionRange(start, end);
    this.insert((start ? "\n\n" : "") + text + (end < v.length ? "\n\n" : "\n"));
  }

  footnote() {
    const used = [...this.body.value.matchAll(/\[\^(\d+)\]:/g)].map((m) => Number(m[1]));
    const n = Math.max(0, ...used) + 1;
    this.insert("[^" + n + "]");
    const b = this.body;
    b.setSelectionRange(b.value.length, b.value.length);
    const sep = b.value.endsWith("\n") ? "\n" : "\n\n";
    const note = "注释内容";
    this.insert(sep + "[^" + n + "]: " + note);
    b.setSelectionRange(b.value.length - note.length, b.value.length);
  }

  alignRight() {
    const b = this.body;
    const at = b.value.indexOf("\n\n", b.selectionEnd);
    const end = at < 0 ? b.value.replace(/\n+$/, "").length : at;
    b.setSelectionRange(end, end);
    this.insert("\n{: .right }");
  }

  async photo(file) {
    const input = el("input", {type: "file", name: "photo", accept: "image/jpeg,image/png,image/webp,image/gif", required: true});
    if (file) { const list = new DataTransfer(); list.items.add(file); input.files = list.files; }
    const alt = el("input", {name: "alt", required: true});
    const who = (this.inputs.photographer && this.inputs.photographer.value.trim()) || "";
    const credit = el("input", {name: "credit", value: who ? who + " 摄" : ""});
    const body = [field("照片", input), field("图片说明", alt, "写照片里是什么：也是读屏软件念出的文字"), field("摄影或供图", credit, "如“张三 摄”“学校供图”")];
    const saved = await this.upload("photo", "插入图片", body, input);
    if (!saved) return;
    const title = credit.value.trim().replace(/"/g, "”");
    this.block("![" + alt.value.trim().replace(/[[\]]/g, "") + "](" + saved.name + (title ? ' "' + title + '"' : "") + ")");
    say("照片已存为 " + saved.name + (saved.notes.length ? "；" + saved.notes.join("；") : ""));
    await this.save();
  }

  // The file chosen in an 插入 dialog, uploaded beside the article: what the desk saved (its name, notes),
  // or null when cancelled; a refused file keeps the dialog open with the reason in it.
  async upload(kind, heading, body, input) {
    let sent;
    const done = await askUntil(heading, body, [{label: "取消", value: ""}, {label: "插入", value: "ok", primary: true}], async () => {
      const chosen = input.files[0];
      sent = await api("POST", "api/upload?kind=" + kind + "&path=" + encodeURIComponent(this.article.path) + "&name=" +
        encodeURIComponent(chosen.name), undefined, chosen);
      return sent.ok ? "" : sent.data.error;
    });
    return done ? sent.data : null;
  }

  dropPhoto(event) {
    const file = event.dataTransfer.files[0];
    if (!file) return;
    event.preventDefault();
    this.photo(file);
  }

  async table() {
    const input = el("input", {type: "file", name: "csv", accept: ".csv,text/csv", required: true});
    const caption = el("input", {name: "caption"});
    const body = [field("表格（Excel 另存为 CSV）", input), field("表题", caption)];
    const saved = await this.upload("csv", "插入表格", body, input);
    if (!saved) return;
    const title = caption.value.trim().replace(/"/g, "”");
    this.block('{{< 表格 文件="' + saved.name + '"' + (title ? ' 标题="' + title + '"' : "") + " >}}");
    say("表格已存为 " + saved.name);
    await this.save();   // (as 图片 does: the file is beside the article, the article now shows it)
  }

  // --- conflicts and review ----------------------------------------------------------------------
  async conflict(disk) {
    // Both as whole files (mine with the form's settings, as it would be saved), the lines that differ marked.
    const lines = (marked) => marked.map(([changed, text]) => el("span", {class: changed ? "changed" : "", text: text + "\n"}));
    const mine = el("pre", {class: "version", tabindex: "0", "aria-label": "我的版本"}, ...lines(disk.mine_lines || [[false, this.body.value]]));
    const theirs = el("pre", {class: "version", tabindex: "0", "aria-label": "磁盘上的版本"}, ...lines(disk.theirs_lines || [[false, disk.text]]));
    const body = [el("p", {text: "你打开这篇文章以后，文件在磁盘上被改过了（别的编辑，或别的程序）。两个版本都在下面，什么都没有被覆盖；" +
        "不同的行有底色，两边都已翻到第一处不同。"}),
      el("div", {class: "both"}, el("div", {}, el("h3", {text: "我的版本（未保存）"}), mine),
        el("div", {}, el("h3", {text: "磁盘上的版本"}), theirs))];
    // (the settings at the top are mostly the same: each side opens at its first line that differs)
    requestAnimationFrame(() => [mine, theirs].forEach((pane) => {
      const first = pane.querySelector(".changed");
      if (first) pane.scrollTop += first.getBoundingClientRect().top - pane.getBoundingClientRect().top - 24;
    }));
    const choice = await ask("文件已被别人修改", body, [{label: "先不处理", value: ""},
      {label: "采用磁盘上的版本", value: "theirs"}, {label: "用我的版本保存", value: "mine", primary: true}]);
    if (choice === "mine") return this.save(disk.digest);
    if (choice === "theirs") { this.dirty = false; route(); }
    return false;
  }

  // The review as the board shows it (r: steps, reset, state and draft, from the server).
  showSteps(r) {
    const steps = r.steps;
    const done = steps.map((s) => s.step);
    const next = STEPS[done.length];
    const why = (step) => !Desk.may[step] ? "你的角色（" + Desk.role + "）不能" + step + "：" + WHO_MAY[step]
      : step !== next ? (done.includes(step) ? "已经" + step + "过了" : "要先" + (next || "退回") + "，才能" + step) : "";
    const notes = [];
    const buttons = STEPS.map((step) => {
      const reason = why(step);
      const id = "why-" + step;
      if (reason) notes.push(el("span", {id: id, class: "why", text: step + "：" + reason}));
      return el("button", {type: "button", text: step, disabled: Boolean(reason), title: reason || null,
        "aria-describedby": reason ? id : null, onclick: () => this.review(step)});
    });
    const note = stateNote(r);
    fill(this.steps, el("span", {text: "三审："}), el("span", {class: "badge state-" + r.state, text: r.state}),
      ...steps.map((s) => el("span", {class: "badge state-已定稿", text: s.step + " " + s.by + " " + s.at})),
      ...buttons,
      ...(Desk.may["退回"] && r.state !== "草稿" ? [el("button", {type: "button", class: "quiet", text: "退回", onclick: () => this.review("退回")})] : []),
      note ? el("p", {class: "why", role: "note", text: note}) : null,
      notes.length ? el("p", {class: "why-list"}, ...notes) : null);
  }

  async review(step) {
    if (this.dirty && !(await this.save())) return;
    const sent = await api("POST", "api/review", {path: this.article.path, step: step});
    if (!sent.ok) { say(sent.data.error, true); return; }
    say(step === "终审" ? "终审通过：草稿已取消，下次生成网站时发布" : step + "已记录");
    const fresh = await api("GET", "api/article?path=" + encodeURIComponent(this.article.path));
    if (fresh.ok) {
      this.digest = fresh.data.digest;
      if (this.inputs.draft) this.inputs.draft.checked = Boolean(fresh.data.fields.draft);
    }
    this.showSteps(sent.data);
  }
}

// The preview's state, asked again for a few seconds while a request fails (a busy preview, a dropped
// connection): one failed answer ended the wait for the build, and 已保存 never said 预览已更新.
async function previewState(patience = 5000) {
  const deadline = performance.now() + patience;
  for (;;) {
    try {
      const response = await fetch("/__xiaokan__/state", {cache: "no-store"});
      if (response.ok) return await response.json();
    } catch (e) { /* asked again below */ }
    if (performance.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 200));
  }
}

// --- history -------------------------------------------------------------------------------------

Desk.views.history = async function (main, path) {
  const got = await api("GET", "api/history?path=" + encodeURIComponent(path));
  if (!got.ok) { fill(main, el("p", {class: "error", role: "alert", text: got.data.error})); return; }
  const diff = el("div", {class: "diff", "aria-live": "polite"});
  fill(main,
    el("div", {class: "editor-head"}, el("a", {href: "#/edit/" + path, text: "← 回到文章"}), el("h1", {text: "历史版本"}),
      el("span", {class: "where", text: path})),
    got.data.versions.length ? el("ol", {class: "versions"}, got.data.versions.map((v) => el("li", {},
      el("span", {text: new Date(v.when * 1000).toLocaleString("zh-CN") + "　" + v.who + "　" + v.message}),
      el("button", {type: "button", text: "查看差异", "aria-label": "查看差异：" + new Date(v.when * 1000).toLocaleString("zh-CN"),
        onclick: () => showDiff(path, v, diff)}),
      el("button", {type: "button", text: "恢复", "aria-label": "恢复：" + new Date(v.when * 1000).toLocaleString("zh-CN"),
        onclick: () => restore(path, v)})))) : el("p", {text: "还没有保存过的版本。"}),
    diff);
};

async function showDiff(path, version, box) {
  const got = await api("GET", "api/version?path=" + encodeURIComponent(path) + "&id=" + version.id);
  if (!got.ok) { say(got.data.error, true); return; }
  fill(box, el("h2", {text: "现在的文本 → 这个版本"}),
    got.data.diff.length ? el("pre", {class: "lines"}, got.data.diff.map(([op, text]) =>
      el("span", {class: op === "+" ? "add" : op === "-" ? "del" : "same", text: op + " " + text + "\n"})))
      : el("p", {text: "和现在的文本相同。"}));
  box.scrollIntoView({block: "nearest"});   // (below the list of versions: on a phone out of view, the button seemed to do nothing)
}

async function restore(path, version) {
  const now = await api("GET", "api/article?path=" + encodeURIComponent(path));
  if (!now.ok) { say(now.data.error, true); return; }
  const done = await api("POST", "api/restore", {path: path, id: version.id, digest: now.data.digest});
  if (!done.ok) { say(done.data.error, true); return; }
  go("#/edit/" + path, "已恢复到 " + new Date(version.when * 1000).toLocaleString("zh-CN") + " 的版本（恢复前的文本也留在历史里）");
}
