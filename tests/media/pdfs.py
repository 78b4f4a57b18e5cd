"""Real PDFs for the tests, made with pypdfium2's page object API (and pypdf to encrypt)."""

import ctypes
import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c


def make_pdf(texts: list[str], width: float = 720, height: float = 405) -> bytes:
    """A PDF with one page per text (landscape 16:9, like slides), the text drawn on it."""
    pdf = pdfium.PdfDocument.new()
    for text in texts:
        page = pdf.new_page(width, height)
        obj = pdfium_c.FPDFPageObj_NewTextObj(pdf, b"Helvetica", 28)
        encoded = (text + "\0").encode("utf-16-le")
        buffer = ctypes.create_string_buffer(encoded)
        pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 40, height / 2)
        pdfium_c.FPDFPage_InsertObject(page, obj)
        pdfium_c.FPDFPage_GenerateContent(page)
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def make_encrypted_pdf(password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Locked slide"]))))
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# Starts like a PDF (so it is accepted as one) but the body is damaged.
CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a PDF\n%%EOF\n"


def make_pdf_with_picture(jpeg: bytes, width: float = 720, height: float = 405) -> bytes:
    """A one-page PDF showing ``jpeg`` (embedded as it is, its header's size believed)."""
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(width, height)
    picture = pdfium.PdfImage.new(pdf)
    picture.load_jpeg(io.BytesIO(jpeg), inline=True)
    picture.set_matrix(pdfium.PdfMatrix().scale(width / 2, height / 2))
    page.insert_obj(picture)
    page.gen_content()
    page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()
