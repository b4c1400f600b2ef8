from __future__ import annotations

from django import forms

from qinglian.limits.models import RatePolicy


class RatePolicyForm(forms.ModelForm):
    class Meta:
        model = RatePolicy
        fields = list(RatePolicy.DEFAULTS)
