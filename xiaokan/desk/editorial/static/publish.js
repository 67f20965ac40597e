// 发布 and 回滚 of the whole site (publishing.py): the list of changes before 确认发布, what it warns of, and
// the rollback's plan. Loaded beside desk.js, whose helpers (runJob, el, ask, api) it uses.
"use strict";

// 发布: the list of changes first (deploy --dry-run). Articles saved since the last 生成网站 would not be
// in what is published: say so and build first. Nothing changed: nothing to confirm.
async function deploy(panel) {
  const dry = await runJob("deploy-dry", {}, panel);
  if (!dry || dry.state !== "done") return;
  const r = dry.result;
  if (r.newer_count) {
    const build = el("button", {type: "button", class: "primary", text: "先生成网站，再看变更清单", onclick: async function () {
      build.disabled = true;
      const built = await runJob("build", {}, panel);
      if (built && built.state === "done") deploy(panel);
    }});
    panel.append(el("div", {class: "newer", role: "alert"},
      el("p", {class: "error", text: "上次生成网站以后，又保存过 " + r.newer_count + " 个文件（" + r.newer.join("、") +
        (r.newer_count > r.newer.length ? " …" : "") + (r.unchanged ? "）：要发布这些修改，先生成网站。"
          : "）：现在发布的会是旧的网站，不包括这些修改。")}), build));
    return;
  }
  if (r.unchanged) return;
  if (r.gone) {   // (pages of the live site this 发布 deletes: articles made drafts, deleted, moved or renamed)
    panel.append(el("div", {class: "newer", role: "alert", "aria-label": "删除的网页"}, el("p", {class: "error", text: r.gone})));
  }
  if (r.voided && r.voided.length) {   // (需重审 on the board: the build publishes them all the same)
    panel.append(unreviewedList(r.voided, "需重审", r.voided.length + " 篇文章三审以后又改过（需重审），它们不是草稿，会照样发布；" +
      "要先重审，打开文章点“退回”，再生成网站："));
  }
  if (r.unreviewed && r.unreviewed.length) {   // (未经三审 on the board: not drafts, never through 终审)
    panel.append(unreviewedList(r.unreviewed, "未经三审", r.unreviewed.length + " 篇文章没有经过三审（未经三审），它们不是草稿，" +
      "会照样发布；要先审，打开文章点“退回”，再生成网站："));
  }
  const confirm = el("button", {type: "button", class: "primary", text: "确认发布", onclick: async function () {
    confirm.disabled = true;
    await runJob("deploy", {confirms: dry.id}, panel);
  }});
  panel.append(el("p", {}, "确认无误后再发布：", confirm));
}

// The articles 发布 would put online that have not passed 三审 as they are, each with its reason.
function unreviewedList(list, state, text) {
  return el("div", {class: "newer", role: "alert", "aria-label": state},
    el("p", {class: "error", text: text}),
    el("ul", {class: "problems"}, list.map((a) => el("li", {},
      el("a", {href: "#/edit/" + a.path, text: a.title}), " · " + state + "：" + a.reason))));
}

// 回滚: which release it brings back is asked of the server first (deploy --rollback --dry-run) and named;
// with no earlier release, the plan says so (nothing was changed) and there is nothing to confirm.
async function rollback(panel) {
  const plan = await runJob("rollback-dry", {}, panel);
  if (!plan || plan.state !== "done" || plan.result.nothing) return;
  const choice = await ask("回滚", [el("p", {text: "回滚后，网站回到 " + plan.result.live + " 这一版（现在上线的是 " +
      plan.result.withdrawn + "）。确定回滚吗？"})],
    [{label: "取消", value: ""}, {label: "回滚到 " + plan.result.live, value: "ok", primary: true}]);
  if (choice === "ok") runJob("rollback", {}, panel);
}
