"""The rows API's lookup (datasets/rows_lookup.py) makes its instances without Model.__init__:
the same field values and state as the ORM's, and they save as the ORM's do."""

import pytest

from datacollab.datasets import rows_lookup
from datacollab.datasets.models import DatasetVersion
from tests.datasets.factories_formats import datasets_storage, make_version  # noqa: F401
from tests.factories_data import make_dataset

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("datasets_storage")]


def _fields(instance):
    return {name: value for name, value in instance.__dict__.items() if name != "_state"}


def test_rows_lookup_instances_as_the_orm_makes_them():
    version = make_version(
        make_dataset(), {"id": [1]}, {"fields": [{"name": "id", "type": "integer"}]}
    )
    found, _extra = rows_lookup.fetch(version.dataset.slug, version.number)
    orm = DatasetVersion.objects.select_related("dataset").get(pk=version.pk)
    found.save()  # an UPDATE, as for the ORM's instance
    assert (
        _fields(found),
        _fields(found.dataset),
        found._state.adding,
        found._state.db,
        DatasetVersion.objects.count(),
    ) == (_fields(orm), _fields(orm.dataset), False, "default", 1)
