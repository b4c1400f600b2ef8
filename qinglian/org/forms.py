from __future__ import annotations

from django import forms

from qinglian.lib.forms import VersionField
from qinglian.org.models import Person, Role, SecurityPolicy, TeamRole


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="职务", max_length=100, required=False)
    team_role = forms.ChoiceField(label="班子角色", choices=TeamRole.choices)
    portfolio = forms.CharField(label="分管工作", max_length=500, required=False,
                                help_text=Person._meta.get_field("portfolio").help_text)
    version = VersionField()


class PeopleFilter(forms.Form):
    q = forms.CharField(label="姓名或职务", required=False, max_length=50)
    team_role = forms.ChoiceField(label="班子角色", choices=[("", "全部"), *TeamRole.choices], required=False)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = ["failure_limit", "failure_window_minutes", "lockout_minutes",
                  "address_failure_limit", "address_window_minutes", "address_block_minutes",
                  "password_max_age_days", "password_history", "dormant_days"]


class AccountFilter(forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False, max_length=150)
    role = forms.ChoiceField(label="角色", required=False,
                             choices=[("", "全部"), ("none", "未授予角色"), *Role.choices])


class GrantRoleForm(forms.Form):
    role = forms.ChoiceField(label="授予角色", choices=[("", "请选择"), *Role.choices])
    confirm = forms.BooleanField(
        label="我已核实该账号的使用人和所属单位，确认授予所选角色",
        error_messages={"required": "请勾选确认后再授予。"},
    )


class RevokeRoleForm(forms.Form):
    confirm = forms.BooleanField(
        label="确认撤销该账号的角色（撤销后该账号不能访问任何页面，直至重新授予）",
        error_messages={"required": "请勾选确认后再撤销。"},
    )
