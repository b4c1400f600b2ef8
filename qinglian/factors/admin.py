"""django-otp registers its devices on the admin site, where a TOTP device's page shows its secret and QR
code. The admin site is the system admin's, who must not hold another account's second factor (三员分立):
factors are managed by their holders (/factors/) and reset by the security admin, never edited there."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
