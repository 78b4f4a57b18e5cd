from hubbub.core.management.commands.serve import embedded_worker_wanted


def test_serve_runs_its_own_worker_only_for_the_database_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HUBBUB_EMBEDDED_WORKER = True
    assert embedded_worker_wanted()
    settings.HUBBUB_EMBEDDED_WORKER = False
    assert not embedded_worker_wanted()
    settings.HUBBUB_EMBEDDED_WORKER = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert not embedded_worker_wanted()
