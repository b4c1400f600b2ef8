from __future__ import annotations

from django import forms

from qinglian.api.models import Scope
from qinglian.api.services import MAX_DAYS


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="如：市纪委数据报送系统读取台账。")
    scope = forms.ChoiceField(label="权限", choices=Scope.choices, initial=Scope.READ,
                              help_text="只读令牌只能读取；读写令牌还能报送进展、申请销号、登记纪实、生成报告。")
    days = forms.IntegerField(label="有效期（天）", min_value=1, max_value=MAX_DAYS, initial=90,
                              help_text=f"1 到 {MAX_DAYS} 天；到期后令牌失效，可再创建新令牌。")
