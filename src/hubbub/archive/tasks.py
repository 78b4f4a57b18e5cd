"""Background jobs of the archive app: the back office's exports, by id."""

from django_tasks import task

from .backoffice import do_run_export


@task()
def run_archive_export(export_id: int) -> str:
    return do_run_export(export_id)
