import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qinglian.settings")
application = get_wsgi_application()


def _refuse_without_keys() -> None:
    """gunicorn started on this module directly (not through `qinglian serve`) is refused the same way: a
    production server does not start without a valid, private key file."""
    from pathlib import Path

    from django.conf import settings

    from qinglian.crypto.keys import load_key_file

    if settings.PRODUCTION:
        load_key_file(Path(settings.QINGLIAN_KEY_FILE))  # KeyFileError (ImproperlyConfigured) says how to fix


_refuse_without_keys()
