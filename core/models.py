from django.db import models
from django.utils.translation import gettext_lazy as _


class SentEmail(models.Model):
    """A ledger of the emails that must go out once, kept in each schema.

    The row for a key is locked while its message is sent and stamped when
    the SMTP server has accepted it, so a task delivered twice sends once.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")

    def __str__(self):
        return self.key


class TaskFailure(models.Model):
    """A background task that failed for good, after its retries.

    Always written to the public schema, where the programme team sees it in
    the admin; ``schema_name`` says which employer the task was working for.
    """

    task_name = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64)
    schema_name = models.CharField(_("schema"), max_length=63, blank=True)
    arguments = models.JSONField(_("arguments"), default=list)
    error = models.TextField(_("error"))
    failed_at = models.DateTimeField(_("failed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at"]

    def __str__(self):
        return f"{self.task_name} {self.task_id}"
