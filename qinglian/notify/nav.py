from qinglian.lib.nav import NavItem
from qinglian.org.models import Role

NAV = [
    NavItem("消息", "notify:inbox", frozenset(Role), section="", order=1),
    NavItem("提醒规则", "notify:rules", frozenset({Role.LEADER}), section="整改", order=29),
    NavItem("提醒规则", "notify:rules", frozenset({Role.SYSADMIN}), section="管理", order=93),
    NavItem("提醒邮件发送情况", "notify:mail_failures", frozenset({Role.SYSADMIN}), section="管理", order=92),
]
