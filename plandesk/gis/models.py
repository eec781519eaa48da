"""The base information databases (基础信息数据库): a catalogue of layers, their versions, and typed feature tables.

Each layer family whose columns the approvals compute on has its own table (parcels of the regulatory plan, road red
lines, pipelines, buildings); everything else (topography, master plans, land use, key projects) is a generic feature
with JSON attributes. Separate tables also keep PostGIS from mixing a B-tree on "layer" into its GiST plans.

A feature belongs to the version that brought it in (`version`) and, once replaced, names the version that retired it
(`retired_in`): a plan replaced by a newer one stays on record, never silently overwritten.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import Polygon
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from plandesk.accounts.models import Role
from plandesk.audit.services import record
from plandesk.gis.geometry import WGS84, transformed
from plandesk.organization.models import Post


class Family(models.TextChoices):
    TOPOGRAPHY = "topography", _("地形图")
    ROADS = "roads", _("道路")
    PIPELINES = "pipelines", _("地下管线")
    PLANS = "plans", _("规划")
    LAND_USE = "land_use", _("城市用地")
    BUILDINGS = "buildings", _("建筑")
    KEY_PROJECTS = "key_projects", _("重点项目")


class Access(models.TextChoices):
    PUBLIC = "public", _("公开")
    STAFF = "staff", _("局内")
    RESTRICTED = "restricted", _("受限")


class Kind(models.TextChoices):
    """Which table holds a layer's features."""

    PARCEL = "parcel", _("控规地块")
    ROAD = "road", _("道路红线")
    PIPELINE = "pipeline", _("管线")
    BUILDING = "building", _("建筑")
    FEATURE = "feature", _("通用要素")


# Roles that see every layer: the GIS keeper maintains them.
ALL_LAYER_ROLES = (Role.GIS_KEEPER,)


class LayerQuerySet(models.QuerySet):
    def visible_to(self, user) -> LayerQuerySet:
        """Public layers for everyone; staff layers for bureau staff; restricted layers for posts granted them."""
        layers = self.filter(is_active=True)
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return layers.filter(access=Access.PUBLIC)
        if user.has_role(*ALL_LAYER_ROLES):
            return layers
        posts = Post.objects.held_by(user)
        is_staff = bool(user.role_codes()) or posts.exists()
        if not is_staff:
            return layers.filter(access=Access.PUBLIC)
        granted = Q(access=Access.RESTRICTED, granted_posts__in=posts.values("pk"))
        return layers.filter(Q(access__in=[Access.PUBLIC, Access.STAFF]) | granted).distinct()


class Layer(models.Model):
    """One entry of the layer catalogue (图层目录)."""

    code = models.SlugField(_("图层代码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    family = models.CharField(_("类别"), max_length=20, choices=Family.choices)
    kind = models.CharField(_("存储类型"), max_length=20, choices=Kind.choices, default=Kind.FEATURE)
    geometry_type = models.CharField(_("几何类型"), max_length=30, default="Geometry")
    attribute_schema = models.JSONField(_("属性结构"), default=list, blank=True,
                                        help_text=_("[{\"name\", \"type\", \"label\"}]"))
    access = models.CharField(_("访问级别"), max_length=20, choices=Access.choices, default=Access.STAFF)
    granted_posts = models.ManyToManyField("organization.Post", blank=True, related_name="granted_layers",
                                           verbose_name=_("授权岗位"))
    description = models.TextField(_("说明"), blank=True)
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    style = models.JSONField(_("显示样式"), default=dict, blank=True)
    extent_lonlat = models.JSONField(_("范围（经纬度）"), null=True, blank=True, editable=False)
    order = models.PositiveIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    objects = LayerQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("图层")
        verbose_name_plural = _("图层")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def feature_model(self) -> type[LayerFeature]:
        return FEATURE_MODELS[self.kind]

    def features(self):
        """The features in force (those of the current version and earlier appended ones)."""
        return self.feature_model.objects.filter(layer=self, retired_in__isnull=True)

    @property
    def current_version(self) -> LayerVersion | None:
        return self.versions.filter(status=LayerVersion.Status.IN_FORCE).order_by("-number").first()

    def refresh_extent(self) -> None:
        """Keep the catalogue's bounding box (what OGC API clients zoom to) in step with the features in force."""
        self.extent_lonlat = self.features_extent_lonlat()
        Layer.objects.filter(pk=self.pk).update(extent_lonlat=self.extent_lonlat)

    def features_extent_lonlat(self) -> list[float] | None:
        """The bounding box of the features in force, in lon/lat (computed by the database).

        Here rather than in `features` (which serves layers and so imports this module): the catalogue keeps it."""
        box = self.features().aggregate(box=Extent("geom"))["box"]
        if not box:
            return None
        outline = Polygon.from_bbox(box)
        outline.srid = self.feature_model._meta.get_field("geom").srid
        xmin, ymin, xmax, ymax = transformed(outline, WGS84).extent
        return [round(v, 6) for v in (xmin, ymin, xmax, ymax)]

    def is_visible_to(self, user) -> bool:
        return Layer.objects.visible_to(user).filter(pk=self.pk).exists()


class LayerVersion(models.Model):
    """One load of a layer: the file it came from, when it takes effect, and what the import reported."""

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("现行")
        SUPERSEDED = "superseded", _("已废止")

    class Mode(models.TextChoices):
        REPLACE = "replace", pgettext_lazy("load mode", "替换")
        APPEND = "append", _("追加")

    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.IN_FORCE)
    mode = models.CharField(_("载入方式"), max_length=10, choices=Mode.choices, default=Mode.REPLACE)
    effective_on = models.DateField(_("生效日期"), default=timezone.localdate)
    source = models.CharField(_("来源文件"), max_length=300, blank=True)
    source_srs = models.CharField(_("来源坐标系"), max_length=60, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    superseded_at = models.DateTimeField(_("废止时间"), null=True, blank=True)
    feature_count = models.PositiveIntegerField(_("要素数"), default=0)
    report = models.JSONField(_("载入报告"), default=dict, blank=True)

    class Meta:
        ordering = ["layer", "-number"]
        constraints = [models.UniqueConstraint(fields=["layer", "number"], name="geo_layerversion_unique_number")]
        verbose_name = _("图层版本")
        verbose_name_plural = _("图层版本")

    def __str__(self) -> str:
        return f"{self.layer.code} v{self.number}"

    @classmethod
    def open_next(cls, layer: Layer, *, mode: str, source: str = "", source_srs: str = "", user=None,
                  effective_on=None) -> LayerVersion:
        """Start the next version of a layer; the one in force so far is superseded in the same transaction."""
        with transaction.atomic():
            locked = Layer.objects.select_for_update().get(pk=layer.pk)
            last = locked.versions.order_by("-number").first()
            version = cls.objects.create(
                layer=locked, number=(last.number + 1) if last else 1, mode=mode, source=source[:300],
                source_srs=source_srs, loaded_by=user if getattr(user, "is_authenticated", False) else None,
                effective_on=effective_on or timezone.localdate(),
            )
            for previous in locked.versions.filter(status=cls.Status.IN_FORCE).exclude(pk=version.pk):
                previous.supersede(by=version)
            if mode == cls.Mode.REPLACE:
                locked.feature_model.objects.filter(layer=locked, retired_in__isnull=True).exclude(
                    version=version).update(retired_in=version)
        return version

    def supersede(self, by: LayerVersion) -> None:
        if self.status != self.Status.IN_FORCE:
            raise ValueError(f"{self} is not in force")
        before = {"status": self.status}
        self.status = self.Status.SUPERSEDED
        self.superseded_at = timezone.now()
        self.save(update_fields=["status", "superseded_at"])
        record("gis.layer_version.supersede", self, before=before, after={"status": self.status, "by": by.number},
               summary=f"{self.layer.code} 第 {self.number} 版被第 {by.number} 版取代")

    def finish(self, report: dict) -> None:
        """Stamp the import's report and count; audited with the version's opening."""
        self.report = report
        self.feature_count = self.layer.feature_model.objects.filter(version=self).count()
        self.save(update_fields=["report", "feature_count"])
        record("gis.layer_version.load", self, after={"mode": self.mode, "count": self.feature_count,
                                                      "report": {k: v for k, v in report.items()
                                                                 if k not in ("messages", "refused_rows")}},
               summary=f"{self.layer.code} 载入第 {self.number} 版，{self.feature_count} 个要素")


class LayerFeature(models.Model):
    """What every feature has: its layer, the version that brought it in and the one that retired it."""

    layer = models.ForeignKey(Layer, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(LayerVersion, on_delete=models.CASCADE, related_name="+")
    retired_in = models.ForeignKey(LayerVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    code = models.CharField(_("编号"), max_length=100, blank=True, db_index=True)
    name = models.CharField(_("名称"), max_length=200, blank=True)
    attrs = models.JSONField(_("其他属性"), default=dict, blank=True)

    # Typed columns that an import may fill, with their Python types (see importer).
    TYPED_FIELDS: dict[str, type] = {"code": str, "name": str}
    LABEL = "name"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.code or self.name or str(self.pk)

    def properties(self) -> dict:
        props = {name: getattr(self, name) for name in self.TYPED_FIELDS}
        props.update({k: v for k, v in (self.attrs or {}).items() if k not in props})
        return props


class Parcel(LayerFeature):
    """A parcel of the regulatory detailed plan (控规地块) with its planning indicators."""

    land_use = models.CharField(_("用地性质代码"), max_length=20, blank=True,
                                help_text=_("GB 50137 / 国土空间用地分类代码，如 R2、B1、A33"))
    land_use_name = models.CharField(_("用地性质"), max_length=60, blank=True)
    far_max = models.FloatField(_("容积率上限"), null=True, blank=True)
    density_max = models.FloatField(_("建筑密度上限（%）"), null=True, blank=True)
    height_max = models.FloatField(_("建筑限高（米）"), null=True, blank=True)
    green_min = models.FloatField(_("绿地率下限（%）"), null=True, blank=True)
    geom = models.MultiPolygonField(srid=settings.PLANDESK_SRID)

    TYPED_FIELDS = {"code": str, "name": str, "land_use": str, "land_use_name": str, "far_max": float,
                    "density_max": float, "height_max": float, "green_min": float}
    LABEL = "code"

    class Meta:
        verbose_name = _("控规地块")
        verbose_name_plural = _("控规地块")


class Road(LayerFeature):
    """A road red line (道路红线): the line, the road's name and red-line width."""

    width = models.FloatField(_("红线宽度（米）"), null=True, blank=True)
    grade = models.CharField(_("道路等级"), max_length=20, blank=True)
    geom = models.MultiLineStringField(srid=settings.PLANDESK_SRID)

    TYPED_FIELDS = {"code": str, "name": str, "width": float, "grade": str}

    class Meta:
        verbose_name = _("道路红线")
        verbose_name_plural = _("道路红线")


class Pipeline(LayerFeature):
    """An underground pipeline (地下管线)."""

    class PipeKind(models.TextChoices):
        WATER = "water", _("给水")
        DRAINAGE = "drainage", _("排水")
        GAS = "gas", _("燃气")
        POWER = "power", _("电力")
        TELECOM = "telecom", _("通信")
        HEAT = "heat", _("热力")

    pipe_kind = models.CharField(_("管线种类"), max_length=20, choices=PipeKind.choices, blank=True)
    diameter = models.FloatField(_("管径（毫米）"), null=True, blank=True)
    depth = models.FloatField(_("埋深（米）"), null=True, blank=True)
    material = models.CharField(_("材质"), max_length=40, blank=True)
    owner = models.CharField(_("权属单位"), max_length=100, blank=True)
    geom = models.MultiLineStringField(srid=settings.PLANDESK_SRID)

    TYPED_FIELDS = {"code": str, "name": str, "pipe_kind": str, "diameter": float, "depth": float,
                    "material": str, "owner": str}
    LABEL = "code"

    class Meta:
        verbose_name = _("地下管线")
        verbose_name_plural = _("地下管线")


class Building(LayerFeature):
    """A building (建筑): footprint, height, floors, use and year."""

    height = models.FloatField(_("高度（米）"), null=True, blank=True)
    floors = models.IntegerField(_("层数"), null=True, blank=True)
    use = models.CharField(_("用途"), max_length=40, blank=True)
    year = models.IntegerField(_("建成年份"), null=True, blank=True)
    geom = models.MultiPolygonField(srid=settings.PLANDESK_SRID)

    TYPED_FIELDS = {"code": str, "name": str, "height": float, "floors": int, "use": str, "year": int}

    class Meta:
        verbose_name = _("建筑")
        verbose_name_plural = _("建筑")


class Feature(LayerFeature):
    """Any other feature (topography, master and district plans, land use, key projects): attributes in JSON."""

    geom = models.GeometryField(srid=settings.PLANDESK_SRID)

    class Meta:
        verbose_name = _("要素")
        verbose_name_plural = _("要素")


FEATURE_MODELS: dict[str, type[LayerFeature]] = {
    Kind.PARCEL: Parcel,
    Kind.ROAD: Road,
    Kind.PIPELINE: Pipeline,
    Kind.BUILDING: Building,
    Kind.FEATURE: Feature,
}
