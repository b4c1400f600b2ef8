from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="动态口令", max_length=32, strip=True,
        error_messages={"required": "请输入验证器应用上显示的 6 位数字。", "max_length": "口令太长：请输入 6 位数字或一个恢复码。"},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false",
                                      "autocapitalize": "off"}))


class RecoveryRenewForm(forms.Form):
    confirm = forms.BooleanField(label="确认重新生成（原有恢复码全部作废）",
                                 error_messages={"required": "请勾选确认后再重新生成。"})


class FactorResetForm(forms.Form):
    confirm = forms.BooleanField(
        label="我已当面或通过电话核实该账号使用人的身份，确认重置其动态口令",
        error_messages={"required": "请勾选确认后再重置。"})
