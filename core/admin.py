from django.contrib import admin

from core.models import TaskFailure


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    list_display = ["failed_at", "task_name", "schema_name", "error"]
    list_filter = ["task_name", "schema_name"]
    search_fields = ["task_id", "error"]
    readonly_fields = [field.name for field in TaskFailure._meta.fields]

    def has_add_permission(self, request):
        return False
