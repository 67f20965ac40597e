"""The sample issue in content/: every article of the real newsletter, faithfully."""
from __future__ import annotations

import csv
import re
from collections import Counter

from helpers import ROOT
from xiaokan.source.content import load_site

TITLES = {
    "新闻政策": [
        "教育部：全国本科层次职业大学增至51所",
        "全市民办高等教育健康发展调研座谈会召开",
        "我市46所高职院校与211个境外教育部门建立合作关系",
        "科学城“职海扬帆”就创服务站，助力青年学子筑梦未来",
    ],
    "评建动态": [
        "学校编制发布《本科层次职业学校本科教学工作合格评估评建工作手册》",
        "校领导带队赴南通理工学院参加全国民办本科高校合格评估交流培训会",
        "我校召开职教本科教学合格评估建设工作启动会暨专题培训会",
        "我校召开职教本科专业建设专题培训会",
        "学校召开职教本科教学工作合格评估评建工作第一次推进会",
        "我校召开办学定位研讨会",
        "我校智能制造专业群教师团队入选第五批重庆市高校黄大年式教师团队",
        "我校召开2024年校级重点专业及重点课程建设工作推进会",
        "提升课程建设能力，促进经验成果转化",
        "我校召开基于OBE理念的人才培养方案编制培训会",
    ],
    "他山之石": [
        "2024年度十大教育热点前瞻",
        "广东省人民政府办公厅印发广东省关于人工智能赋能千行百业若干措施的通知",
        "海南省发展和改革委员会等部门关于印发《海南省支持职业教育产教融合赋能提升十条措施》的通知",
        "海南科技职业大学委托项目《职业本科教学工作合格评估实现路径、方法和对策研究》开题",
        "郑州铁路职业技术学院：打造数字化教学资源赋能专业升级改造",
        "浙江纺织服装职业技术学院：聚焦“双师型”教师培养 提升教育教学质量",
    ],
}


def sample_issue():
    site = load_site(ROOT).site
    assert [i.id for i in site.issues] == ["2024-06"]
    return site, site.issues[0]


def test_twenty_articles_in_issue_order_per_section():
    site, issue = sample_issue()
    assert len(issue.articles) == 20
    assert Counter(a.section for a in issue.articles) == {"新闻政策": 4, "评建动态": 10, "他山之石": 6}
    from xiaokan.source.model import articles_by_section
    got = {section.name: [a.title for a in members] for section, members in articles_by_section(issue, site.config.sections)}
    assert got == TITLES


def test_sources_dates_authors_and_subtitles():
    _, issue = sample_issue()
    by_title = {a.title: a for a in issue.articles}
    first = by_title["教育部：全国本科层次职业大学增至51所"]
    assert first.source_line.startswith("职教前沿") and str(first.date) == "2024-06-16"
    assert by_title["2024年度十大教育热点前瞻"].author == "周洪宇、邢欢、刘柳"
    assert by_title["浙江纺织服装职业技术学院：聚焦“双师型”教师培养 提升教育教学质量"].author == "章春苗"
    assert by_title["提升课程建设能力，促进经验成果转化"].subtitle == "—学校举办校级重点课程建设专题培训会"
    dates = {a.title: a.date.isoformat() for a in issue.articles}
    assert dates["浙江纺织服装职业技术学院：聚焦“双师型”教师培养 提升教育教学质量"] == "2024-06-25"
    assert dates["全市民办高等教育健康发展调研座谈会召开"] == "2024-05-29"
    assert dates["我校召开办学定位研讨会"] == "2024-06-12"
    # the two school reports that name no date take the issue's date
    assert dates["我校召开办学定位研讨会"] < dates["我校智能制造专业群教师团队入选第五批重庆市高校黄大年式教师团队"] == issue.date.isoformat()


def _table_rows(html: str) -> list[int]:
    """Rows of each article table (the data tables behind charts are left out)."""
    html = re.sub(r'<details class="chart-data">.*?</details>', "", html, flags=re.S)
    return [len(re.findall(r"<tr>", table.split("</thead>")[-1])) for table in re.findall(r"<table.*?</table>", html, re.S)]


def test_tables_keep_every_row(sample):
    out = sample / "output/2024-06"
    first = (out / "jiaoyubu-zhiye-benke-51/index.html").read_text(encoding="utf-8")
    assert _table_rows(first) == [51, 16, 35]
    assert '<caption>本科层次职业学校</caption>' in first
    assert '<th scope="col">序号</th>' in first and '<th scope="col">省份</th>' in first
    assert first.count('href="https://baike.baidu.com/') >= 24
    # provinces merge as in the printed table: 河北省 has four universities, 海南省 one
    assert '<td rowspan="4">河北省</td>' in first and "<td>海南省</td>" in first
    hainan = (out / "hainan-chanjiao-ronghe/index.html").read_text(encoding="utf-8")
    assert _table_rows(hainan) == [36]
    assert '<th scope="col">牵头单位</th>' in hainan and '<th scope="col">责任单位</th>' in hainan
    assert '<td rowspan="3">一</td><td rowspan="3">建设产教融合试点城市</td>' in hainan


def _csv(name: str) -> list[dict[str, str]]:
    with open(ROOT / "content/2024-06" / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_chart_data_agrees_with_the_tables_of_the_issue():
    """The three figures of article 01 are drawn from small CSVs; they must say what its tables say."""
    established, announced = _csv("sheli-35.csv"), _csv("gongshi-16.csv")
    per_year = Counter(r["批准时间"][:4] for r in established)
    per_year.update(r["教育部公示时间"][:4] for r in announced)
    charted = {r["年度"].rstrip("年"): int(r["设置学校数"]) for r in _csv("niandu-sheli.csv")}
    assert {y: n for y, n in charted.items() if n} == dict(per_year) and sum(charted.values()) == 51
    kinds = Counter(r["办学性质"] for r in established + announced)
    assert {r["办学性质"]: int(r["学校数"]) for r in _csv("banxue-xingzhi.csv")} == kinds
    shuanggao = {r["类别"]: int(r["学校数"]) for r in _csv("shuanggao.csv")}
    assert round(100 * shuanggao["国家级“双高”学校"] / 51, 1) == 39.2   # "国家级“双高”学校占比达39.2%"


def test_the_figures_are_charts_on_the_web_page(sample):
    first = (sample / "output/2024-06/jiaoyubu-zhiye-benke-51/index.html").read_text(encoding="utf-8")
    assert first.count('<svg class="chart-svg"') == 3
    assert first.count('class="bar"') == 6 and first.count('class="slice"') == 4
    assert ">18所</text>" in first and ">28所（54.9%）</text>" in first and ">20所（39.2%）</text>" in first
    assert "<figcaption>（公办学校占比　截至2024年5月15日）</figcaption>" in first


def test_built_pages_show_the_source_lines(sample):
    out = sample / "output/2024-06"
    pages = {p.parent.name: p.read_text(encoding="utf-8") for p in out.glob("*/index.html")}
    assert len(pages) == 20
    sources = [re.search(r'<p class="source-line">信息来源：([^<]+)</p>', html) for html in pages.values()]
    shown = sorted(m.group(1) for m in sources if m)
    _, issue = sample_issue()
    assert shown == sorted(a.source_line for a in issue.articles if a.source_line)
    assert len(shown) == 10 and "重庆市人民政府网 2024年6月22日" in shown
