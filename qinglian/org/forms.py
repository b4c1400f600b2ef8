from __future__ import annotations

from django import forms

from qinglian.lib.forms import VersionField
from qinglian.org.models import Person, SecurityPolicy, TeamRole


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
        fields = ["failure_limit", "failure_window_minutes", "lockout_minutes"]
