from django.apps import AppConfig


class GisConfig(AppConfig):
    name = "plandesk.gis"
    label = "geo"  # "gis" is django.contrib.gis
    verbose_name = "基础信息数据库"
