"""Page chrome around a report copied from a web page, dropped before anything is read.

Government and 范文 sites wrap the text in breadcrumbs (首页 > 工作动态), a metadata block (索引号 / 发布机构 /
成文日期 / 浏览量), font-size and share buttons (【字体：大 中 小】 分享到), 打印 / 关闭, lists of related
articles, login or paywall notices, and notices of what they cut ("省略2000字", "全文约5000字"); the title
often comes twice. None of it is the report: its dates are not the report's dates, its counters are not
figures, its column name is not the title.
"""

from __future__ import annotations

import re

from .normalise import matching_form
from .outline import match_marker

# Metadata keys as sites label them. The plain ones are chrome anywhere; the common words only on a line
# that holds no sentence (a body sentence may well say "来源：" or "时间：").
_META_PLAIN = (
    r"索引号|信息索引号|发布机构|发文机关|发布单位|成文日期|发布日期|发布时间|发文日期|生成日期|公开日期|更新时间"
    r"|信息来源|稿件来源|责任编辑|浏览量|浏览次数|阅读量|阅读次数|点击量|点击数|点击率|访问量|访问次数|主题分类"
    r"|公文种类|体裁分类|组配分类|服务对象|发文字号|所属栏目|页数|字数|上传时间|上传者|下载次数|文档格式|文档大小"
)
_META_COMMON = r"来源|作者|撰稿|供稿|编辑|审核|校对|浏览|阅读|点击|文号|有效性|时效|关键词|关键字|分类|栏目|时间|日期"
_VALUE = r"\s*[:：]\s*[^\s:：【】\[\]，。；！？,;]*"
_META_PLAIN_SEGMENT = re.compile(rf"[【\[]?(?:{_META_PLAIN})\s*[】\]]?{_VALUE}(?:\s+\d{{1,2}}[:：]\d\d(?::\d\d)?)?[】\]]?")
_META_SEGMENT = re.compile(rf"[【\[]?(?:{_META_PLAIN}|{_META_COMMON})\s*[】\]]?{_VALUE}(?:\s+\d{{1,2}}[:：]\d\d(?::\d\d)?)?[】\]]?")
_COUNTER = re.compile(r"(?:浏览|阅读|点击|访问)(?:量|次数|数)?\s*[:：]?\s*\d+\s*次?(?=\s|$)")
_CRUMB_PREFIX = re.compile(
    r"^(?:(?:当前位置|您(?:现在)?的位置|您所在的位置|所在位置|位置)[:：]\s*)?首页(?:\s*[>＞»›]\s*[^\s>＞»›]{1,16})+\s+"
)
_WIDGETS = re.compile(
    r"[【\[]\s*(?:字体|字号)?\s*[:：]?\s*大\s*中\s*小\s*[】\]]"
    r"|(?:字体|字号)\s*[:：]?\s*[【\[]?大[】\]]?\s*[【\[]?中[】\]]?\s*[【\[]?小[】\]]?"
    r"|[【\[](?:打印(?:本页|此页|文章)?|关闭(?:窗口|本页)?|收藏|返回顶部|返回|顶部|纠错|分享|保存|下载)[】\]]"
    r"|分享到\s*[:：]?(?:\s*(?:微信|微博|QQ空间|QQ|朋友圈|腾讯微博|新浪微博|人人网|豆瓣))*"
    r"|(?<!\S)(?:打印(?:本页|此页)?|关闭(?:窗口|本页)?|返回顶部|收藏本页|加入收藏|扫一扫在手机(?:上)?打开当前页"
    r"|(?:微信|手机)?扫一扫|在手机上(?:打开|阅读)|纠错)(?!\S)"
    # A WeChat article's buttons and counters: 阅读原文, 在看 12, 赞 30, 分享 收藏 点赞.
    r"|(?<!\S)(?:阅读原文|写留言|留言|在看|点赞|赞|分享|收藏|推荐|喜欢此内容的人还喜欢)(?:\s*\d+)?(?!\S)"
)
_BREADCRUMB = re.compile(r"^(?:当前位置|您(?:现在)?的位置|您所在的位置|所在位置|位置|导航)[:：]|^首页\s*[>＞»›/\\-]")
_CRUMB_SEP = re.compile(r"\s*[>＞»›]\s*")
_PAYWALL = re.compile(
    r"登录|注册|会员|VIP|vip|开通|充值|付费|下载本文|下载文档|下载全文|下载券|免费下载|立即下载|查看全文|阅读全文"
    r"|展开全文|剩余.{0,8}(?:内容|未读)|余下全文|继续阅读|点击(?:查看|阅读|下载)|扫码|二维码|版权(?:所有|声明)"
    r"|转载请注明|免责声明|原创内容|上一篇|下一篇|返回列表|网站地图|联系我们|ICP备|主办单位|承办单位"
    r"|技术支持|网站标识码|公网安备|Copyright|copyright"
)
_OMISSION = re.compile(
    r"[（(【\[]?\s*(?:此处|以下|中间|正文)?(?:内容)?省略\s*(?:约|了)?\s*\d*\s*(?:多|余)?\s*字?\s*[)）】\]]?"
    r"|[（(【\[]?\s*(?:全文|本文|正文)(?:共|约|共约|计)?\s*\d+\s*(?:多|余)?\s*字\s*[)）】\]]?"
    r"|[（(【\[]?\s*字数\s*[:：]?\s*\d+\s*[)）】\]]?"
    r"|…+\s*[（(]\s*(?:略|未完|待续|完)\s*[)）]|\.{3,}\s*[（(]\s*略\s*[)）]"
    r"|[（(]\s*(?:以下|下)?略\s*[)）]|[（(]\s*未完(?:待续)?\s*[)）]"
)
_RELATED = re.compile(
    r"^[【\[]?(?:相关(?:文章|阅读|新闻|链接|推荐|文档|范文|内容|信息)|推荐(?:阅读|文章|范文)|热门(?:文章|推荐|阅读|范文)"
    r"|猜你喜欢|延伸阅读|更多(?:阅读|精彩|相关|范文)|精选范文|最新(?:文章|范文)|你可能(?:还)?(?:感兴趣|喜欢)"
    r"|本文(?:标签|关键词)|相关标签|热门标签|上一篇|下一篇)"
)
_SITE_WORDS = re.compile(
    r"网站|门户|政府网|首页|栏目|专栏|频道|工作动态|通知公告|政务公开|信息公开|要闻|新闻中心|纪检监察网|范文网"
    r"|文库|在线|网$"
)
# A notice is short; a wrapped body line ("…受理信访举报22件，处置…") has commas and no cue of a site.
_PAYWALL_LINE = 40
# A 范文 site's notice under the text, sentences though it has: "本文由网友投稿…如有侵权请联系删除。"
_NOTICE = re.compile(r"本文由.{0,10}(?:投稿|整理|发布|提供)|版权归.{0,8}所有|如有侵权|侵权.{0,6}删除|转载请注明|免责声明")
# A site's footer: cues no report uses.
_FOOTER = re.compile(r"ICP备|网站标识码|公网安备|版权所有|Copyright|copyright|©|技术支持[:：]|网站地图|主办单位[:：]|承办单位[:：]"
                     r"|分辨率|浏览本站|建议使用.{0,12}浏览器")
_PAYWALL_STRONG = re.compile(r"登录|VIP|vip|付费|下载|查看全文|阅读全文|剩余|余下全文|开通会员|充值")
_SENTENCE = re.compile(r"[。！？!?；;]")
_SHORT = 60


_TITLE_LABEL = re.compile(r"^(?:文章|信息|文件)?(?:标题|题目|名称)\s*[:：]\s*")


def _compact(text: str) -> str:
    return re.sub(r"\s{2,}", " ", text).strip(" |｜丨/·•")


_OMISSION_CUES = ("省略", "略", "全文", "本文", "正文", "字数", "未完", "待续")
_WIDGET_HINT = re.compile(r"[【\[]|大\s*中\s*小|分享|打印|关闭|收藏|返回|扫一扫|纠错|在手机|阅读原文|在看|赞|留言|推荐")
_COUNTER_HINT = re.compile(r"浏览|阅读|点击|访问")


class _Both:
    """A line as written and its matching form, edited together: patterns match the simplified form, the cuts
    fall on the same characters of the text as written (a traditional page's 【關閉】 is 【关闭】)."""

    def __init__(self, line: str, seen: str) -> None:
        self.text, self.seen = line, seen

    def sub(self, pattern: re.Pattern[str], repl: str) -> None:
        text, seen, last = [], [], 0
        for m in pattern.finditer(self.seen):
            text += [self.text[last:m.start()], repl]
            seen += [self.seen[last:m.start()], repl]
            last = m.end()
        if last:
            self.text = "".join(text) + self.text[last:]
            self.seen = "".join(seen) + self.seen[last:]


def _strip_segments(line: str, seen: str) -> str:
    """A line without its omission notices, counters and metadata segments ("" when nothing else is left).
    Each pattern runs only on a line holding its cue word: most lines hold none, and reading stays fast."""
    both = _Both(line, seen)
    both.sub(_TITLE_LABEL, "")
    if any(cue in both.seen for cue in _OMISSION_CUES):
        both.sub(_OMISSION, "")
    if both.seen.startswith(("首页", "当前", "您", "所在", "位置")):
        both.sub(_CRUMB_PREFIX, "")
    if ":" in both.seen or "：" in both.seen:
        both.sub(_META_PLAIN_SEGMENT, " ")
        if not _SENTENCE.search(both.seen):
            both.sub(_META_SEGMENT, " ")
    if _COUNTER_HINT.search(both.seen):
        both.sub(_COUNTER, " ")
    if _WIDGET_HINT.search(both.seen):
        both.sub(_WIDGETS, " ")
    return _compact(both.text) if both.text != line else line


def is_chrome(line: str) -> bool:
    """A whole line that is page furniture, not the report."""
    return _is_chrome(matching_form(line))


# Lines no report writes: a page's number (— 2 —, 第 1 页 共 3 页), a WeChat account's calls to follow it,
# a column tag on a line of its own (【清廉之窗】), the end mark of an article.
_FURNITURE = re.compile(
    r"^(?:[—\-－–]{1,2}\s*\d{1,3}\s*[—\-－–]{1,2}|第\s*\d{1,3}\s*页\s*[，,/]?\s*(?:共\s*\d{1,3}\s*页)?"
    r"|\d{1,3}\s*/\s*\d{1,3}|END|end|(?:点击|戳)(?:上方|下方)?(?:蓝字|蓝色字体|关注)\s*(?:一键)?(?:关注)?(?:我们)?"
    r"|长按(?:识别)?(?:二维码|图片)?(?:识别)?(?:关注)?(?:我们)?|往期(?:推荐|回顾|精彩)|[【\[][^】\]]{1,10}[】\]])$"
)


def _is_chrome(line: str) -> bool:
    if _BREADCRUMB.match(line) or _FURNITURE.match(line):
        return True
    if len(line) <= _SHORT and len(_CRUMB_SEP.findall(line)) >= 2:
        return True
    if len(line) <= 3 * _PAYWALL_LINE and not _SENTENCE.search(line) and _FOOTER.search(line):
        return True
    if len(line) <= 2 * _PAYWALL_LINE and _NOTICE.search(line):
        return True
    if len(line) <= _PAYWALL_LINE and not _SENTENCE.search(line) and _PAYWALL.search(line) and (
            "，" not in line or _PAYWALL_STRONG.search(line)):
        return True
    return False


def is_site_name(line: str) -> bool:
    return len(line) <= 30 and bool(_SITE_WORDS.search(matching_form(line)))


def _undouble(line: str) -> str:
    """"标题标题" or "标题 标题" (a title the page shows twice on one line) → "标题"."""
    n = len(line)
    for gap in (0, 1):
        half = (n - gap) // 2
        if half >= 6 and (n - gap) % 2 == 0 and line[:half] == line[half + gap:] and (
                not gap or line[half].isspace()) and not _SENTENCE.search(line):
            return line[:half]
    return line


def strip_chrome(paragraphs: list[str], convert: bool = True) -> list[str]:
    """The paragraphs without the page around them; the body's own text is left as written. `convert`
    False says the text has nothing for matching_form to change (the caller knows: it saves a pass)."""
    seen = [matching_form(p) for p in paragraphs] if convert else paragraphs
    out: list[str] = []
    n = len(paragraphs)
    i = 0
    seen_head: set[str] = set()
    while i < n:
        line, form = paragraphs[i], seen[i]
        if len(line) <= _SHORT and i >= n // 3 and _RELATED.match(form):
            # A list of other articles: skip its short lines (titles) until the body (a long line) resumes.
            i += 1
            while i < n and ((len(paragraphs[i]) <= _SHORT and not _SENTENCE.search(paragraphs[i]))
                             or _is_chrome(seen[i])):
                i += 1
            continue
        i += 1
        if _is_chrome(form):
            continue
        line = _strip_segments(line, form).strip()
        if not line or (line != paragraphs[i - 1] and is_chrome(line)):
            continue
        # A title is no sentence: a body sentence said twice (the same figure in two sections) is kept twice.
        if len(out) < 12 and len(line) <= 80 and match_marker(line) is None and not _SENTENCE.search(line):
            line = _undouble(line)
            key = re.sub(r"\s+", "", line)
            if key in seen_head:  # the title again, under the page's own heading
                continue
            seen_head.add(key)
        out.append(line)
    return out
