from __future__ import annotations

from typing import Any

from django import forms

from qinglian.lib.forms import VersionField
from qinglian.lib.models import SecurityLabel
from qinglian.lib.security import mask_id_number, mask_phone, normalize_id_number, normalize_phone
from qinglian.org.models import Person, Role, SecurityPolicy, TeamRole


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    post = forms.CharField(label="职务", max_length=100, required=False)
    team_role = forms.ChoiceField(label="班子角色", choices=TeamRole.choices)
    portfolio = forms.CharField(label="分管工作", max_length=500, required=False,
                                help_text=Person._meta.get_field("portfolio").help_text)
    phone = forms.CharField(label="手机号码", max_length=20, required=False,
                            help_text="11 位手机号码，或带区号的固定电话（如 0851-12345678）。页面上只显示部分数字。")
    id_number = forms.CharField(label="身份证号码", max_length=18, required=False,
                                help_text="18 位居民身份证号码。页面上只显示前 6 位和后 4 位。")
    version = VersionField()

    def __init__(self, *args: Any, person: Person | None = None, **kwargs: Any) -> None:
        """Editing `person`: the numbers are offered masked (the form is a page too); posted back unchanged,
        the masked text keeps the stored number."""
        super().__init__(*args, **kwargs)
        self.person = person
        if person is not None and not self.is_bound:
            self.initial["phone"] = mask_phone(person.phone)
            self.initial["id_number"] = mask_id_number(person.id_number)

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone") or ""
        if self.person is not None and self.person.phone and value.strip() == mask_phone(self.person.phone):
            return str(self.person.phone)
        return normalize_phone(value)

    def clean_id_number(self) -> str:
        value = self.cleaned_data.get("id_number") or ""
        if self.person is not None and self.person.id_number and value.strip() == mask_id_number(self.person.id_number):
            return str(self.person.id_number)
        return normalize_id_number(value)


class PeopleFilter(forms.Form):
    q = forms.CharField(label="姓名或职务", required=False, max_length=50)
    team_role = forms.ChoiceField(label="班子角色", choices=[("", "全部"), *TeamRole.choices], required=False)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SecurityPolicy
        fields = ["failure_limit", "failure_window_minutes", "lockout_minutes",
                  "address_failure_limit", "address_window_minutes", "address_block_minutes",
                  "password_max_age_days", "password_history", "dormant_days", "business_second_factor"]


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


class ClearanceForm(forms.Form):
    clearance = forms.ChoiceField(label="可阅密级", choices=SecurityLabel.choices,
                                  help_text="可见密级不高于此的记录；高于它的记录对该账号如同不存在。")
    can_unmask = forms.BooleanField(label="可查看完整号码（手机号码、身份证号码，每次查看都记入审计）",
                                    required=False)
    confirm = forms.BooleanField(label="我已核实该账号使用人的工作需要，确认调整",
                                 error_messages={"required": "请勾选确认后再保存。"})


class UnmaskForm(forms.Form):
    reason = forms.CharField(label="查看事由（可不填）", max_length=200, required=False,
                             help_text="如：核对干部信息、联系本人。事由记入审计。")
