// 新建一期 and 刊期设置 (issuesettings.py): one form of issue.yaml's fields, and the button a problem of an
// issue.yaml in a job's report has. Loaded beside desk.js, whose helpers (el, ask, askUntil, api) it uses.
"use strict";

async function newIssue() {
  const form = issueForm();
  let made;
  const done = await askUntil("新建一期", form.body, [{label: "取消", value: ""}, {label: "建立这一期", value: "ok", primary: true}],
    async function () {
      const values = form.values();
      made = await api("POST", "api/issues", {id: values.id, fields: values});
      return made.ok ? "" : made.data.error;
    });
  if (!done) return;
  say("已建立 " + made.data.id + (made.data.notices.length ? "。请核对：" + made.data.notices.join("；") : ""));
  Desk.views.board(document.getElementById("main"));
}

// --- 刊期设置: the form of 新建一期 with an issue's issue.yaml, saved over the version it showed ---------

// The fields of issue.yaml (issuesettings.ISSUE_FIELDS) as 新建一期 asks for them; with `values` (刊期设置), filled
// in, and without 期文件夹名, which names the issue and stays.
function issueForm(values) {
  // (an issue is 第N期 of its year, counted in date order as new-issue counts: not the month of its folder name)
  // (期文件夹名 and 本年期号: two words for two things, as README and the messages call them)
  const fields = [["id", "期文件夹名", "如 2024-07", "这一期在 content/ 里的文件夹名，只能用英文字母、数字和 -"],
    ["date", "出版日期", ""],
    ["title", "标题", "如 2024年第3期", "空着就写成“某年第几期”（第几期用下面的本年期号，不是月份）"],
    ["number", "本年期号", "空着就按日期顺序自动编", "这一年的第几期（issue.yaml 里写作 期号）"],
    ["total_number", "总期号", "空着就按日期顺序自动编"],
    ["editors", "编辑", "用顿号分隔"], ["summary", "摘要", ""],
    ["chief_editor", "主编", ""], ["responsible_editor", "责任编辑", ""], ["publisher", "编印单位", ""], ["print_run", "印数", "如 300",
      "印了多少份，印在封底的版记上；印作内部资料时必须写（空着，生成网站时印前检查会警告，之后在看板上这一期的“刊期设置”里补上）"]]
    .filter(function (f) { return !values || f[0] !== "id"; });
  const inputs = {};
  const body = fields.map(function (f) {
    inputs[f[0]] = el("input", {name: f[0], type: f[0] === "date" ? "date" : "text", required: f[0] === "id",
      placeholder: values && ["title", "number", "total_number"].includes(f[0]) ? null : f[2], value: values ? values[f[0]] || "" : null,
      inputmode: ["number", "total_number", "print_run"].includes(f[0]) ? "numeric" : null});
    return field(f[1], inputs[f[0]], values && f[0] === "title" ? null : f[3]);
  });
  return {body: body, values: function () {
    const typed = {};
    for (const key of Object.keys(inputs)) typed[key] = inputs[key].value.trim();
    return typed;
  }};
}

async function issueSettings(issueId) {
  const opened = await api("GET", "api/issue?id=" + encodeURIComponent(issueId));
  if (!opened.ok) { say(opened.data.error, true); return; }
  const form = issueForm(opened.data.fields);
  let saved;
  const done = await askUntil("刊期设置（" + issueId + "）", form.body, [{label: "取消", value: ""}, {label: "保存", value: "ok", primary: true}],
    async function () {
      saved = await api("PUT", "api/issue", {id: issueId, fields: form.values(), digest: opened.data.digest});
      return saved.ok ? "" : saved.data.error;
    });
  if (!done) return;
  const job = document.getElementById("site-job");   // (the 生成网站 report that sent the editor here stays)
  if (job && !job.hidden) await boardKeeping("#site-job");
  else await Desk.views.board(document.getElementById("main"));
  say("已保存 " + issueId + " 的刊期设置");
}

// A problem of an issue's issue.yaml in a job's report, with the button that opens the form to fix it.
function issueProblem(p) {
  return el("span", {}, el("span", {text: p.text}), " ",
    el("button", {type: "button", class: "quiet", text: "刊期设置", onclick: function () { issueSettings(p.issue); }}));
}
