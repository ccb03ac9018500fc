from django.apps import AppConfig


class JobboardConfig(AppConfig):
    name = "jobboard"
    verbose_name = "Job board"
