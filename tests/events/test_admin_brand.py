"""The admin refuses the brand colours and logos the back office refuses."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hubbub.events.admin import EventAdminForm
from hubbub.events.models import Event


def _form(data, files=None):
    from django.forms import modelform_factory

    form_class = modelform_factory(
        Event, form=EventAdminForm, fields=["title", "brand_colour", "logo"]
    )
    return form_class(data, files or {})


@pytest.mark.django_db
def test_admin_refuses_an_unreadable_brand_colour():
    form = _form({"title": "All Change", "brand_colour": "#777777"})
    assert not form.is_valid()
    assert "4.5:1" in form.errors["brand_colour"][0]


@pytest.mark.django_db
def test_admin_accepts_a_light_brand_colour_and_lowercases_it():
    form = _form({"title": "All Change", "brand_colour": "#FFDD00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["brand_colour"] == "#ffdd00"


@pytest.mark.django_db
def test_admin_refuses_an_svg_logo():
    svg = SimpleUploadedFile(
        "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', content_type="image/svg+xml"
    )
    form = _form({"title": "All Change", "brand_colour": "#1d70b8"}, {"logo": svg})
    assert not form.is_valid()
    assert "logo" in form.errors
