"""`plandesk import-layer FILE --layer CODE`: load a file into a layer of the base databases, all or nothing."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from plandesk.gis.importer import ImportRefused, import_layer
from plandesk.gis.models import Layer, LayerVersion


class Command(BaseCommand):
    help = ("把 GeoPackage、压缩的 Shapefile、GeoJSON、DXF 或带 WKT 列的 CSV 导入图层（全部成功或全部不变）/ "
            "load a file into a layer, all or nothing")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--layer", required=True, help="图层代码 / layer code")
        parser.add_argument("--srs", help="来源坐标系，如 EPSG:4490（文件无坐标系时必填，有则以此为准）")
        parser.add_argument("--field", action="append", default=[], metavar="SRC=DST",
                            help="字段映射：文件字段=图层字段（可重复）")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--replace", action="store_const", dest="mode", const=LayerVersion.Mode.REPLACE,
                          help="新版本取代现行要素（默认）")
        mode.add_argument("--append", action="store_const", dest="mode", const=LayerVersion.Mode.APPEND,
                          help="新版本追加到现行要素")
        parser.add_argument("--source-layer", help="文件中的图层名（GeoPackage 等多图层文件）")
        parser.add_argument("--cad-layer", action="append", default=[], help="DXF：只导入这些 CAD 图层（可重复）")
        parser.add_argument("--allow-outside-area", action="store_true",
                            help="允许坐标超出本局坐标系的适用区域（外来参考数据）")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="跳过无法导入的记录，导入其余记录，并在载入报告中列出被拒绝的记录（默认：全部或全不）")

    def handle(self, *args, file, layer, srs, field, mode, source_layer, cad_layer, allow_outside_area,
               skip_invalid=False, **options):
        target = Layer.objects.filter(code=layer).first()
        if target is None:
            codes = "、".join(Layer.objects.values_list("code", flat=True)) or "（无）"
            raise CommandError(f"没有图层 {layer}；现有图层：{codes}")
        field_map = {}
        for pair in field:
            src, sep, dst = pair.partition("=")
            if not sep or not src.strip() or not dst.strip():
                raise CommandError(f"字段映射写法无效：{pair}（应为 文件字段=图层字段）")
            field_map[src.strip()] = dst.strip()
        try:
            version = import_layer(
                file, target, srs=srs, field_map=field_map, mode=mode or LayerVersion.Mode.REPLACE,
                source_layer=source_layer, cad_layers=set(cad_layer) or None,
                allow_outside_area=allow_outside_area, skip_invalid=skip_invalid, progress=self._progress,
            )
        except ImportRefused as refused:
            self._end_progress()
            details = "\n".join(f"  {m}" for m in (refused.report.messages if refused.report else []))
            message = f"导入被拒绝，图层未改变：{refused.message}" + (f"\n{details}" if details else "")
            raise CommandError(message) from None
        self._end_progress()
        report = version.report
        self.stdout.write(self.style.SUCCESS(
            f"{target.code} 第 {version.number} 版：读取 {report['read']}，导入 {report['imported']}，"
            f"修复 {report['repaired']}，拒绝 {report['refused']}"
            + (f"，略过 {report['skipped']}" if report.get("skipped") else "")
            + f"（{report['source_srs']} → EPSG:{target.feature_model._meta.get_field('geom').srid}，"
              f"{report['seconds']:.1f} 秒）"))
        for message in report.get("messages", []):
            self.stdout.write(f"  {message}")
        if report.get("refused_rows"):
            self.stdout.write(f"  被拒绝的记录（第几条）：{', '.join(str(n) for n in report['refused_rows'][:200])}")

    def _progress(self, done: int, total: int | None) -> None:
        if total:
            width = 30
            filled = int(width * min(done, total) / total)
            line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        else:
            line = f"\r已读取 {done} 条"
        sys.stderr.write(line)
        sys.stderr.flush()
        self._progress_shown = True

    def _end_progress(self) -> None:
        if getattr(self, "_progress_shown", False):
            sys.stderr.write("\n")
            self._progress_shown = False
