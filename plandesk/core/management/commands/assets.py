"""`plandesk assets`: copy the front-end libraries the pages use from node_modules into the vendor folder."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# (package path inside node_modules, destination under vendor/)
ASSETS = [
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    ("bpmn-js/dist/bpmn-navigated-viewer.production.min.js", "bpmn-js/bpmn-navigated-viewer.production.min.js"),
    ("bpmn-js/dist/assets", "bpmn-js/assets"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
]


class Command(BaseCommand):
    help = "从 node_modules 复制前端库 / copy front-end libraries from node_modules"

    def add_arguments(self, parser):
        parser.add_argument("--node-modules", default=str(Path(settings.PROJECT_DIR) / "node_modules"))

    def handle(self, *args, node_modules, **options):
        source = Path(node_modules)
        target = Path(settings.PLANDESK_VENDOR_DIR)
        missing = [src for src, _dst in ASSETS if not (source / src).exists()]
        if missing:
            raise CommandError(f"缺少前端库（请先运行 npm ci）/ missing in node_modules: {', '.join(missing)}")
        for src, dst in ASSETS:
            out = target / dst
            out.parent.mkdir(parents=True, exist_ok=True)
            if (source / src).is_dir():
                shutil.copytree(source / src, out, dirs_exist_ok=True)
            else:
                shutil.copy2(source / src, out)
        self.stdout.write(f"front-end assets copied to {target}")
