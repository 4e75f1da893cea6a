import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "datacollab.config.settings")
_django = get_wsgi_application()

from datacollab.api.rows_wsgi import RowsApp  # noqa: E402 - after Django's set-up

# The rows API's session-less GETs beside Django's handler, everything else through it
# (api/rows_wsgi.py; API_ROWS_WSGI turns it off).
application = RowsApp(_django)
