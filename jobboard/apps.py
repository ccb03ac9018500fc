from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class JobboardConfig(AppConfig):
    name = "jobboard"
    verbose_name = "Job board"

    def ready(self):
        from jobboard import signals

        # Whatever the board shows, from wherever it is changed: the
        # recruitment services, the programme team's admin, a pledge.
        for model in self.shown_on_the_board():
            uid = f"jobboard-cache-{model._meta.label_lower}"
            post_save.connect(signals.board_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(signals.board_changed, sender=model, dispatch_uid=uid)

    def shown_on_the_board(self):
        return [
            self.get_model("Listing"),
            self.get_model("RecognisedBadge"),
            self.apps.get_model("employers", "Employer"),
            self.apps.get_model("pledges", "Pledge"),
        ]
