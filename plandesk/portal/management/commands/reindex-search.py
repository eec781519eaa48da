"""`plandesk reindex-search`: rebuild the portal's search index from the records."""

from django.core.management.base import BaseCommand

from plandesk.portal.index import reindex_all


class Command(BaseCommand):
    help = "重建门户搜索索引 / rebuild the portal's search index"

    def handle(self, *args, **options):
        total = reindex_all(self.stdout)
        self.stdout.write(self.style.SUCCESS(f"搜索索引已重建：{total} 条 / search index rebuilt: {total} entries"))
