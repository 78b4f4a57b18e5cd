from django.contrib import admin

from .models import Gallery, Photo, Slide, Slideshow


class SlideInline(admin.TabularInline):
    model = Slide
    fields = ["number", "alt_text", "text"]
    readonly_fields = ["number", "text"]
    extra = 0
    can_delete = False


@admin.register(Slideshow)
class SlideshowAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "session", "status", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["title", "text"]
    readonly_fields = ["status", "error", "kind", "rendered_at"]
    raw_id_fields = ["session", "speaker", "uploaded_by"]
    inlines = [SlideInline]

    def has_add_permission(self, request):
        # New decks come through the upload page or the API, which check and render them.
        return False


class PhotoInline(admin.TabularInline):
    model = Photo
    fields = ["thumbnail", "caption", "credit", "alt_text"]
    readonly_fields = ["thumbnail"]
    extra = 0


@admin.register(Gallery)
class GalleryAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "session", "created_at"]
    list_filter = ["event"]
    raw_id_fields = ["session", "created_by"]
    inlines = [PhotoInline]

    def has_add_permission(self, request):
        return False
