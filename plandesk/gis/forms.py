from django import forms
from django.utils.translation import gettext_lazy as _

from plandesk.gis.importer import SUFFIXES
from plandesk.gis.models import Layer, LayerVersion


class LayerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Layer) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class ImportForm(forms.Form):
    """The GIS keeper's upload: the same choices as `plandesk import-layer`."""

    layer = LayerChoiceField(Layer.objects.filter(is_active=True), label=_("图层"), to_field_name="code")
    file = forms.FileField(label=_("文件"), required=False,
                           help_text=_("GeoPackage、压缩的 Shapefile（.zip）、GeoJSON、DXF、带 WKT 列的 CSV"))
    # A file already sent for the mapping preview, kept on the server under this name (see views.upload).
    staged = forms.RegexField(regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput)
    srs = forms.CharField(label=_("来源坐标系"), required=False, max_length=20,
                          help_text=_("如 EPSG:4490；文件没有坐标系时必填"))
    mode = forms.ChoiceField(label=_("载入方式"), choices=LayerVersion.Mode.choices, initial=LayerVersion.Mode.REPLACE)
    source_layer = forms.CharField(label=_("文件中的图层名"), required=False, max_length=100)
    cad_layers = forms.CharField(label=_("CAD 图层（DXF，逗号分隔）"), required=False, max_length=300)
    fields = forms.CharField(label=_("字段映射"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("每行一条：文件字段=图层字段，如 DKBH=code"))
    skip_invalid = forms.BooleanField(label=_("跳过无效记录"), required=False,
                                      help_text=_("不勾选时全部导入或全不导入；勾选后导入其余记录，被拒绝的记录列在载入报告中"))

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("staged") and "file" not in self.errors:
            self.add_error("file", _("请选择要导入的文件"))
        return data

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return upload
        suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in SUFFIXES:
            raise forms.ValidationError(_("不支持的文件格式"))
        return upload

    def clean_fields(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["fields"].splitlines(), start=1):
            if not line.strip():
                continue
            src, sep, dst = line.partition("=")
            if not sep or not src.strip() or not dst.strip():
                raise forms.ValidationError(_("第 %(n)s 行写法无效：应为 文件字段=图层字段") % {"n": number})
            mapping[src.strip()] = dst.strip()
        return mapping

    def clean_cad_layers(self):
        names = {part.strip() for part in self.cleaned_data["cad_layers"].split(",") if part.strip()}
        return names or None
