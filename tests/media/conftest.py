import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .pdfs import make_pdf


@pytest.fixture
def deck_texts():
    return ["Welcome to the talk", "Budgets for 2031", "Thank you"]


@pytest.fixture
def pdf_upload(deck_texts):
    def make(texts=None, name="talk.pdf", content=None):
        data = content if content is not None else make_pdf(texts or deck_texts)
        return SimpleUploadedFile(name, data, content_type="application/octet-stream")

    return make
