"""Admin forms: a jurisdiction typed as GeoJSON or WKT in longitude/latitude, checked and stored in the bureau's CRS."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.utils.translation import gettext_lazy as _

from plandesk.organization.models import Post, Substitute, Unit

LONLAT_SRIDS = {4326, 4490}  # WGS84 and CGCS2000 geographic: the same to a metre at city scale

_GEOS_REASONS = {
    "Self-intersection": _("边界自相交"),
    "Ring Self-intersection": _("环自相交"),
    "Too few points": _("点数不足"),
    "Hole lies outside shell": _("内环在外环之外"),
    "Nested shells": _("外环相互嵌套"),
    "Interior is disconnected": _("内部不连通"),
    "Duplicate Rings": _("环重复"),
    "Invalid Coordinate": _("坐标无效"),
}


def explain_invalid(geom: GEOSGeometry) -> str:
    """GEOS says why a geometry is invalid in English, with the spot; say it in Chinese and keep the spot."""
    reason = geom.valid_reason
    for english, chinese in _GEOS_REASONS.items():
        if reason.startswith(english):
            return f"{chinese}{reason[len(english):]}"
    return reason


class JurisdictionField(forms.CharField):
    """A MultiPolygon typed as GeoJSON, WKT or EWKT; without an SRID the coordinates are longitude/latitude."""

    widget = forms.Textarea(attrs={"rows": 6, "cols": 90, "spellcheck": "false"})
    default_help_text = _(
        "以 GeoJSON 或 WKT 输入多边形（经纬度，WGS84/CGCS2000），例如 "
        "POLYGON((114.26 30.56, 114.34 30.56, 114.34 30.64, 114.26 30.64, 114.26 30.56))；留空表示无管辖范围。"
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", self.default_help_text)
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, GEOSGeometry):
            shown = value.clone()
            if shown.srid and shown.srid not in LONLAT_SRIDS:
                shown.transform(4326)
            return shown.json
        return value

    def to_python(self, value):
        if isinstance(value, GEOSGeometry):
            return value
        text = super().to_python(value)
        if not text:
            return None
        try:
            geom = GEOSGeometry(text)
        except (ValueError, TypeError, GEOSException, GDALException):
            raise forms.ValidationError(
                _("无法识别管辖范围：请输入 GeoJSON 或 WKT 格式的多边形"), code="unparseable"
            ) from None
        if geom.srid is None:
            geom.srid = 4326
        if geom.srid not in LONLAT_SRIDS | {settings.PLANDESK_SRID}:
            raise forms.ValidationError(
                _("管辖范围的坐标系 EPSG:%(srid)s 不受支持：请使用经纬度（EPSG:4326/4490）或 EPSG:%(own)s"),
                code="srid", params={"srid": geom.srid, "own": settings.PLANDESK_SRID},
            )
        if geom.geom_type == "Polygon":
            geom = MultiPolygon(geom, srid=geom.srid)
        if geom.geom_type != "MultiPolygon":
            raise forms.ValidationError(
                _("管辖范围必须是多边形（Polygon 或 MultiPolygon），收到的是 %(kind)s"),
                code="geom_type", params={"kind": geom.geom_type},
            )
        if geom.empty:
            raise forms.ValidationError(_("管辖范围不能为空图形"), code="empty")
        if geom.srid in LONLAT_SRIDS:
            xmin, ymin, xmax, ymax = geom.extent
            if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
                raise forms.ValidationError(
                    _("管辖范围的坐标超出经纬度范围：应为“经度 纬度”，经度在 -180～180，纬度在 -90～90"),
                    code="range",
                )
        if not geom.valid:
            raise forms.ValidationError(
                _("管辖范围不是有效的多边形：%(reason)s"), code="invalid_polygon",
                params={"reason": explain_invalid(geom)},
            )
        if geom.srid != settings.PLANDESK_SRID:
            geom.transform(settings.PLANDESK_SRID)
        return geom

    def has_changed(self, initial, data) -> bool:
        try:
            new = self.to_python(data)
        except forms.ValidationError:
            return True
        if initial is None or new is None:
            return initial is not new
        # A round trip through longitude/latitude moves coordinates by fractions of a millimetre.
        return not new.equals_exact(initial, 0.01)


class UnitAdminForm(forms.ModelForm):
    jurisdiction = JurisdictionField(label=_("管辖范围"))

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "head", "jurisdiction", "is_active", "sort_order"]


class PostAdminForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["code", "name", "unit", "function", "authority", "duties", "standard", "time_limit_days"]
        error_messages = {
            "unit": {"required": _("请选择岗位所属单位：每个岗位都必须属于一个单位")},
            "function": {"required": _("请选择岗位职能")},
        }


class SubstituteAdminForm(forms.ModelForm):
    class Meta:
        model = Substitute
        fields = ["post", "absent", "substitute", "starts_on", "ends_on", "reason"]
