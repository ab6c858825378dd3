"""Fill ChildName from the search_text every child already holds (data only)."""

from django.db import migrations

BATCH = 2000


def fill(apps, schema_editor):
    Child = apps.get_model("children", "Child")
    ChildName = apps.get_model("children", "ChildName")
    rows = []
    for pk, text in Child.objects.exclude(search_text="").values_list("pk", "search_text")\
            .iterator(chunk_size=BATCH):
        rows += [ChildName(child_id=pk, name=word[:100]) for word in set(text.split())]
        if len(rows) >= BATCH:
            ChildName.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    ChildName.objects.bulk_create(rows, ignore_conflicts=True)


def empty(apps, schema_editor):
    apps.get_model("children", "ChildName").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("children", "0003_child_names_for_search")]
    operations = [migrations.RunPython(fill, empty)]
