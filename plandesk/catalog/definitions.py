"""The bureau's 11 approval items (DOMAIN.md 4.6): 2 licences and 9 non-licence items, as first published.

`plandesk demo` loads them; an installation may load them too (`ItemDefinition.install`) and edit them in the admin,
which makes new versions. Legal bases cite the 城乡规划法 (2019 revision) and related regulations; time limits are
in working days (statutory: the law's; promised: the bureau's own, shorter).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plandesk.catalog import codes
from plandesk.catalog.models import Category, HandlingLevel, Requirement
from plandesk.catalog.schemas import boolean, choice, date, form_schema, indicator, integer, number, text

REQUIRED = Requirement.REQUIRED
DEFERRABLE = Requirement.DEFERRABLE
COMMITMENT = Requirement.COMMITMENT
CONDITIONAL = Requirement.CONDITIONAL

LAW = "《中华人民共和国城乡规划法》"
LICENSING_LAW = "《中华人民共和国行政许可法》第四十二条（二十个工作日办结）"


@dataclass(frozen=True)
class M:
    """One material: code, name, original?, copies, requirement, note; a 容缺 one's due point (working days
    after intake, or before issue)."""

    code: str
    name: str
    original: bool = False
    copies: int = 1
    requirement: str = REQUIRED
    note: str = ""
    due_days: int = 5
    due_before_issue: bool = False

    def as_fields(self, order: int) -> dict:
        return {
            "code": self.code, "name": self.name, "original": self.original, "copies": self.copies,
            "requirement": self.requirement, "note": self.note, "order": order, "due_days": self.due_days,
            "due_before_issue": self.due_before_issue,
        }


# Materials most items ask for.
APPLICATION = M("application_form", "申请表（加盖申请单位公章）", original=True)
IDENTITY = M("applicant_identity", "申请人身份证明（营业执照或统一社会信用代码证书；个人为居民身份证）")
MANDATE = M("mandate", "授权委托书及受托人身份证明", original=True, requirement=CONDITIONAL, note="委托他人办理时提交")
PROJECT_APPROVAL = M(
    "project_approval", "建设项目批准、核准或备案文件", requirement=COMMITMENT,
    note="可先行签署告知承诺书，于发证前补交",
)
TOPO_MAP = M("topographic_map", "1:500 或 1:1000 现状地形图（标明用地范围，含电子文件）", original=True, copies=2)

# Procedure steps by process (a readable list for the guide; the process diagram is the workflow app's).
STEPS_TWO_MEETINGS = [
    "接件窗口受理：核对材料，立案并出具立案回执（告知案件编号、查询密码和预取件日期）",
    "主办处室经办人审查：审查申请材料，GIS 核查用地范围与控制性详细规划指标，提出审查意见",
    "处务会审议：处长主持集体审议，形成处室意见",
    "局长审核",
    "局务会集体决定",
    "出件窗口发放审批结果和证照，登记领取人",
]
STEPS_PARALLEL = [
    "接件窗口一次受理（一张表单）：选址意见书与设计方案审查合并立案",
    "主办处室并联审查：选址与设计方案同步审查，GIS 核查用地与规划条件",
    "处务会审议：对选址与设计方案一并形成处室意见",
    "批前公示：在项目现场和本局展示厅公示设计方案（公示期间暂停计时）",
    "局务会集体决定",
    "出件窗口一并发放选址意见书与设计方案审查意见",
]
STEPS_CO_REVIEW = [
    "接件窗口受理：核对材料，立案并出具立案回执",
    "主办处室经办人审查，GIS 核查与地下管线、道路红线的冲突",
    "相关处室会审（市政处、测绘管理处按事项提出会审意见）",
    "处务会审议",
    "局长审定",
    "出件窗口发放审批结果",
]
STEPS_DELEGATED = [
    "受理：在本局接件窗口或分局、镇窗口递交，立案并出具立案回执",
    "分局或镇经办人审查（必要时现场踏勘）",
    "分局或镇负责人决定",
    "出件窗口发放审批结果和证照",
]
PUBLICITY_STEP = "批前公示：在项目现场和本局展示厅公示总平面图（公示前五日登报告知，公示期间暂停计时）"

LAND_SUPPLY = {"allocation": "划拨", "transfer": "出让"}
PIPE_KINDS = {
    "water": "给水", "drainage": "排水（雨水、污水）", "gas": "燃气", "heat": "热力",
    "power": "电力", "telecom": "通信", "integrated": "综合管廊",
}
BUILDING_NATURE = {"new": "新建", "extension": "扩建", "alteration": "改建"}


def _project_basics() -> dict[str, dict]:
    return {
        "construction_nature": choice("建设性质", BUILDING_NATURE),
        "investment_10k_yuan": number("总投资", unit="万元"),
    }


@dataclass
class ItemDefinition:
    code: str
    name: str
    category: str
    summary: str
    legal_basis: str
    statutory_days: int
    promised_days: int
    process_id: str
    procedure: list[str]
    form: dict
    materials: list[M]
    handling_level: str = HandlingLevel.BUREAU
    certificate_type: str = ""
    publicity_required: bool = False
    parallel_group: str | None = None
    # Delegation: (unit code, priority) follows the unit's jurisdiction; (unit code, priority, area name) covers
    # one of DEMO_AREAS instead.
    offices: list[tuple] = field(default_factory=list)

    def version_fields(self) -> dict:
        return {
            "name": self.name, "category": self.category, "summary": self.summary, "legal_basis": self.legal_basis,
            "statutory_days": self.statutory_days, "promised_days": self.promised_days,
            "handling_level": self.handling_level, "form_schema": self.form, "procedure": self.procedure,
            "process_id": self.process_id, "certificate_type": self.certificate_type,
            "publicity_required": self.publicity_required,
        }

    def material_fields(self) -> list[dict]:
        return [m.as_fields(order) for order, m in enumerate(self.materials, start=1)]


def _with_publicity(steps: list[str]) -> list[str]:
    return [*steps[:3], PUBLICITY_STEP, *steps[3:]]


PARALLEL_GROUPS = {
    codes.SITE_AND_SCHEME: (
        "规划选址与设计方案并联审批",
        "规划选址意见书与建设工程设计方案审查一次受理、并联审查、一并发证，时限按两者中较长的承诺时限计。",
    ),
}

CENTRAL_DIVISIONS = [("div1", 10), ("div2", 10)]

# Areas of demo rules in longitude/latitude: (outer box, hole box or None). shared/API.md wants every demo item sited
# in the inner square 114.28–114.32°E × 30.58–30.62°N handled by Divisions 1 and 2 (the demo accounts), so
# Division 3 takes pipelines and setting-out checks only in the outer districts of the central jurisdiction.
DEMO_AREAS = {
    "central_outer": ((114.26, 30.56, 114.34, 30.64), (114.28, 30.58, 114.32, 30.62)),
}
DIV3_OUTER = ("div3", 5, "central_outer")

ITEMS: list[ItemDefinition] = [
    ItemDefinition(
        code=codes.LAND_USE_PERMIT,
        name="建设用地规划许可证核发",
        category=Category.LICENCE,
        summary="在城市、镇规划区内以划拨或出让方式取得国有土地使用权的建设项目，申请核发建设用地规划许可证。",
        legal_basis=f"{LAW}第三十七条、第三十八条；{LICENSING_LAW}",
        statutory_days=20,
        promised_days=10,
        process_id=codes.PROCESS_TWO_MEETINGS,
        procedure=STEPS_TWO_MEETINGS,
        certificate_type="land_use_permit",
        offices=CENTRAL_DIVISIONS,
        form=form_schema(
            "建设用地规划许可证申请表",
            {
                "land_supply": choice("供地方式", LAND_SUPPLY),
                "site_selection_no": text("选址意见书编号（划拨用地填写）", max_length=60),
                "transfer_contract_no": text("国有土地使用权出让合同编号（出让用地填写）", max_length=60),
                "land_area_m2": indicator("land_area_m2"),
                "land_use_class": indicator("land_use_class"),
                "floor_area_ratio": indicator("floor_area_ratio"),
                "building_density_pct": indicator("building_density_pct"),
                "height_m": indicator("height_m"),
                "green_ratio_pct": indicator("green_ratio_pct"),
                **_project_basics(),
            },
            ["land_supply", "land_area_m2", "land_use_class", "floor_area_ratio"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE, PROJECT_APPROVAL,
            M("site_selection_opinion", "建设项目选址意见书", requirement=CONDITIONAL, note="划拨用地提交"),
            M("transfer_contract", "国有土地使用权出让合同及其附件规划条件", requirement=CONDITIONAL,
              note="出让用地提交"),
            TOPO_MAP,
            M("land_survey_map", "土地勘测定界图", original=True, requirement=DEFERRABLE,
              note="容缺受理：可于受理后五个工作日内补交"),
        ],
    ),
    ItemDefinition(
        code=codes.CONSTRUCTION_PERMIT,
        name="建设工程规划许可证核发",
        category=Category.LICENCE,
        summary="在城市、镇规划区内进行建筑物、构筑物、道路、管线和其他工程建设的，申请核发建设工程规划许可证。",
        legal_basis=f"{LAW}第四十条；{LICENSING_LAW}",
        statutory_days=20,
        promised_days=15,
        process_id=codes.PROCESS_TWO_MEETINGS,
        procedure=_with_publicity(STEPS_TWO_MEETINGS),
        certificate_type="construction_permit",
        publicity_required=True,
        offices=[*CENTRAL_DIVISIONS, ("branch_east", 20)],
        form=form_schema(
            "建设工程规划许可证申请表",
            {
                "land_use_permit_no": text("建设用地规划许可证编号", max_length=60),
                "land_area_m2": indicator("land_area_m2"),
                "total_floor_area_m2": indicator("total_floor_area_m2"),
                "above_ground_area_m2": number("地上建筑面积", unit="平方米"),
                "underground_area_m2": number("地下建筑面积", unit="平方米"),
                "floor_area_ratio": indicator("floor_area_ratio"),
                "building_density_pct": indicator("building_density_pct"),
                "height_m": indicator("height_m"),
                "green_ratio_pct": indicator("green_ratio_pct"),
                "land_use_class": indicator("land_use_class"),
                "floors_above": integer("地上层数", unit="层", minimum=1),
                "floors_below": integer("地下层数", unit="层"),
                "parking_spaces": integer("机动车停车位", unit="个"),
                **_project_basics(),
            },
            [
                "land_use_permit_no", "land_area_m2", "total_floor_area_m2", "floor_area_ratio",
                "building_density_pct", "height_m", "green_ratio_pct", "land_use_class",
            ],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("land_use_permit_copy", "建设用地规划许可证及附图"),
            M("land_title", "不动产权证书或土地使用权证明", requirement=DEFERRABLE,
              note="容缺受理：不动产登记办理中的，可于发证前补交", due_before_issue=True),
            M("approved_scheme", "经审定的建设工程设计方案总平面图", original=True),
            M("construction_drawings", "建筑施工图（总平面、各层平面、立面、剖面），含电子文件",
              original=True, copies=2),
            M("area_calculation", "建筑面积及经济技术指标计算书", original=True),
            M("sunlight_analysis", "日照分析报告", original=True, requirement=CONDITIONAL,
              note="住宅、学校、医院等有日照要求的项目提交"),
            M("civil_defence_commitment", "人防工程建设告知承诺书", original=True, requirement=COMMITMENT,
              note="告知承诺制：签署后即可受理，事后核查"),
        ],
    ),
    ItemDefinition(
        code=codes.SITE_SELECTION,
        name="建设项目规划选址意见书核发",
        category=Category.NON_LICENCE,
        summary="按照国家规定需要有关部门批准或者核准、以划拨方式提供国有土地使用权的建设项目，"
        "在报送批准或者核准前申请核发选址意见书。可与建设工程设计方案审查并联办理。",
        legal_basis=f"{LAW}第三十六条；《建设项目选址规划管理办法》",
        statutory_days=20,
        promised_days=10,
        process_id=codes.PROCESS_PARALLEL,
        procedure=STEPS_PARALLEL,
        certificate_type="site_selection",
        parallel_group=codes.SITE_AND_SCHEME,
        offices=CENTRAL_DIVISIONS,
        form=form_schema(
            "建设项目规划选址申请表",
            {
                "project_proposal_no": text("项目建议书批复文号", max_length=60),
                "land_area_m2": indicator("land_area_m2"),
                "land_use_class": indicator("land_use_class"),
                "total_floor_area_m2": indicator("total_floor_area_m2"),
                "is_major_project": boolean("是否重大建设项目（需选址论证）"),
                "alternative_sites": integer("比选方案个数", unit="个"),
                **_project_basics(),
            },
            ["land_area_m2", "land_use_class"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("project_proposal", "项目建议书或项目批准文件", requirement=COMMITMENT,
              note="告知承诺制：可于发证前补交"),
            TOPO_MAP,
            M("site_study", "选址论证报告", original=True, requirement=CONDITIONAL, note="重大建设项目提交"),
            M("land_pre_review", "用地预审意见", requirement=DEFERRABLE, note="容缺受理：可于局务会前补交",
              due_days=10),
        ],
    ),
    ItemDefinition(
        code=codes.DESIGN_SCHEME_REVIEW,
        name="建设工程设计方案审查",
        category=Category.NON_LICENCE,
        summary="建设工程在申请建设工程规划许可证前，报审总平面图和建筑设计方案。可与规划选址并联办理；"
        "经审定的总平面图依法公示。",
        legal_basis=f"{LAW}第四十条第二款、第三款；《城市规划编制办法》",
        statutory_days=20,
        promised_days=15,
        process_id=codes.PROCESS_PARALLEL,
        procedure=STEPS_PARALLEL,
        certificate_type="scheme_approval",
        publicity_required=True,
        parallel_group=codes.SITE_AND_SCHEME,
        offices=CENTRAL_DIVISIONS,
        form=form_schema(
            "建设工程设计方案审查申请表",
            {
                "planning_conditions_no": text("规划条件通知书编号", max_length=60),
                "design_institute": text("设计单位", max_length=100),
                "land_area_m2": indicator("land_area_m2"),
                "total_floor_area_m2": indicator("total_floor_area_m2"),
                "floor_area_ratio": indicator("floor_area_ratio"),
                "building_density_pct": indicator("building_density_pct"),
                "height_m": indicator("height_m"),
                "green_ratio_pct": indicator("green_ratio_pct"),
                "land_use_class": indicator("land_use_class"),
                "parking_spaces": integer("机动车停车位", unit="个"),
                **_project_basics(),
            },
            [
                "design_institute", "land_area_m2", "total_floor_area_m2", "floor_area_ratio",
                "building_density_pct", "height_m", "green_ratio_pct", "land_use_class",
            ],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("planning_conditions_copy", "规划条件通知书或出让合同附件规划条件"),
            M("scheme_text", "设计方案文本及图纸（总平面图、效果图、平立剖面）", original=True, copies=3),
            M("scheme_files", "设计方案电子文件（总平面图 DWG，与纸质一致）", original=True),
            M("designer_qualification", "设计单位资质证书", requirement=COMMITMENT,
              note="告知承诺制：已在住建部门库内可查的，签署承诺即可"),
            M("sunlight_analysis", "日照分析报告", original=True, requirement=DEFERRABLE),
        ],
    ),
    ItemDefinition(
        code=codes.PLANNING_CONDITIONS,
        name="规划条件（设计条件）核发",
        category=Category.NON_LICENCE,
        summary="国有土地使用权出让前，依据控制性详细规划提出出让地块的位置、使用性质、开发强度等规划条件，"
        "作为出让合同的组成部分；划拨用地核发规划设计条件。",
        legal_basis=f"{LAW}第三十八条；《城市国有土地使用权出让转让规划管理办法》第五条",
        statutory_days=20,
        promised_days=10,
        process_id=codes.PROCESS_TWO_MEETINGS,
        procedure=STEPS_TWO_MEETINGS,
        certificate_type="planning_conditions",
        offices=CENTRAL_DIVISIONS,
        form=form_schema(
            "规划条件申请表",
            {
                "land_supply": choice("供地方式", LAND_SUPPLY),
                "land_area_m2": indicator("land_area_m2"),
                "land_use_class": indicator("land_use_class"),
                "floor_area_ratio": indicator("floor_area_ratio"),
                "building_density_pct": indicator("building_density_pct"),
                "height_m": indicator("height_m"),
                "green_ratio_pct": indicator("green_ratio_pct"),
                "reserve_plan_no": text("土地储备或供地计划文号", max_length=60),
            },
            ["land_supply", "land_area_m2", "land_use_class"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("land_plan", "土地储备或年度供地计划文件"),
            M("parcel_map", "地块位置图及界址点坐标（含电子文件）", original=True),
            TOPO_MAP,
        ],
    ),
    ItemDefinition(
        code=codes.VERIFICATION,
        name="建设工程规划条件核实",
        category=Category.NON_LICENCE,
        summary="建设工程竣工后，核实建设工程是否符合规划条件和建设工程规划许可证；经核实合格的，核发规划条件核实合格证，"
        "作为竣工验收备案的依据。",
        legal_basis=f"{LAW}第四十五条",
        statutory_days=20,
        promised_days=10,
        process_id=codes.PROCESS_CO_REVIEW,
        procedure=STEPS_CO_REVIEW,
        certificate_type="verification",
        offices=[*CENTRAL_DIVISIONS, ("branch_east", 20)],
        form=form_schema(
            "建设工程规划条件核实申请表",
            {
                "construction_permit_no": text("建设工程规划许可证编号", max_length=60),
                "completion_date": date("竣工日期"),
                "total_floor_area_m2": indicator("total_floor_area_m2"),
                "floor_area_ratio": indicator("floor_area_ratio"),
                "building_density_pct": indicator("building_density_pct"),
                "height_m": indicator("height_m"),
                "green_ratio_pct": indicator("green_ratio_pct"),
                "survey_report_no": text("规划核实测量报告编号", max_length=60),
            },
            ["construction_permit_no", "completion_date", "total_floor_area_m2", "height_m"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("construction_permit_copy", "建设工程规划许可证及附图附件"),
            M("completion_survey", "规划核实测量成果报告（具有测绘资质单位出具）", original=True),
            M("as_built_drawings", "竣工图（总平面、各层平面、立面）", original=True),
            M("setting_out_record", "放线、验线记录", requirement=DEFERRABLE),
            M("facade_photos", "建筑外立面及场地现状照片", original=True, requirement=COMMITMENT,
              note="告知承诺制：承诺与现状一致，现场核查时比对"),
        ],
    ),
    ItemDefinition(
        code=codes.TEMPORARY_CONSTRUCTION,
        name="临时建设工程规划审批",
        category=Category.NON_LICENCE,
        summary="在城市、镇规划区内进行临时建设（施工用房、临时展示、临时市政设施等）的，申请临时建设工程规划许可；"
        "临时建设使用期限一般不超过两年，期满自行拆除。",
        legal_basis=f"{LAW}第四十四条",
        statutory_days=20,
        promised_days=7,
        process_id=codes.PROCESS_TWO_MEETINGS,
        procedure=STEPS_TWO_MEETINGS,
        certificate_type="temporary_permit",
        handling_level=HandlingLevel.BRANCH,
        offices=[*CENTRAL_DIVISIONS, ("branch_east", 20)],
        form=form_schema(
            "临时建设工程规划审批申请表",
            {
                "purpose": text("临时建设用途", max_length=100),
                "use_months": {"type": "integer", "title": "使用期限（月）", "minimum": 1, "maximum": 24},
                "land_area_m2": indicator("land_area_m2"),
                "total_floor_area_m2": indicator("total_floor_area_m2"),
                "height_m": indicator("height_m", maximum=24),
                "floors_above": integer("层数", unit="层", minimum=1),
            },
            ["purpose", "use_months", "land_area_m2", "total_floor_area_m2", "height_m"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("temporary_land", "临时用地批准文件或土地使用权证明"),
            M("temporary_drawings", "临时建筑设计图（平面、立面）及总平面布置图", original=True, copies=2),
            M("removal_pledge", "到期自行拆除承诺书", original=True),
            M("neighbour_opinions", "相关权利人意见", original=True, requirement=DEFERRABLE),
        ],
    ),
    ItemDefinition(
        code=codes.PIPELINE_APPROVAL,
        name="市政管线工程规划审批",
        category=Category.NON_LICENCE,
        summary="新建、改建给水、排水、燃气、热力、电力、通信等市政管线工程，报审管线平面位置和竖向标高，"
        "经市政处会审后核发（市政管线）建设工程规划许可证。",
        legal_basis=f"{LAW}第四十条；《城市地下管线工程档案管理办法》；《城市道路管理条例》第二十九条",
        statutory_days=20,
        promised_days=10,
        process_id=codes.PROCESS_CO_REVIEW,
        procedure=STEPS_CO_REVIEW,
        certificate_type="pipeline_permit",
        offices=[DIV3_OUTER, *CENTRAL_DIVISIONS],
        form=form_schema(
            "市政管线工程规划审批申请表",
            {
                "pipe_kind": choice("管线种类", PIPE_KINDS),
                "length_m": number("管线长度", unit="米", minimum=0, exclusive=True),
                "diameter_mm": number("管径或断面尺寸", unit="毫米", minimum=0, exclusive=True),
                "burial_depth_m": number("平均埋深", unit="米"),
                "road_names": text("沿线道路", max_length=200),
                "trenchless": boolean("是否非开挖施工"),
                "investment_10k_yuan": number("总投资", unit="万元"),
            },
            ["pipe_kind", "length_m", "diameter_mm", "road_names"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE, PROJECT_APPROVAL,
            M("pipeline_drawings", "管线工程设计图（平面图、纵断面图、横断面图），含电子文件", original=True, copies=2),
            M("pipeline_coordination", "管线综合协调意见或已有管线资料查询结果"),
            TOPO_MAP,
            M("road_authority_opinion", "道路管理部门意见", requirement=COMMITMENT,
              note="占用、挖掘城市道路的；告知承诺制：开工前取得"),
        ],
    ),
    ItemDefinition(
        code=codes.RURAL_PERMIT,
        name="乡村建设规划许可证核发",
        category=Category.NON_LICENCE,
        summary="在乡、村庄规划区内进行乡镇企业、乡村公共设施和公益事业建设及农村村民住宅建设的，"
        "经镇人民政府审核后核发乡村建设规划许可证。本项审批权限已下放至镇。",
        legal_basis=f"{LAW}第四十一条；《中华人民共和国土地管理法》第六十二条",
        statutory_days=20,
        promised_days=10,
        process_id=codes.PROCESS_DELEGATED,
        procedure=STEPS_DELEGATED,
        certificate_type="rural_permit",
        handling_level=HandlingLevel.TOWN,
        # Villages inside the central jurisdiction (城中村) are handled by the divisions themselves.
        offices=[("town_qiao", 10), *CENTRAL_DIVISIONS],
        form=form_schema(
            "乡村建设规划许可申请表",
            {
                "village": text("所在村（社区）", max_length=60),
                "building_use": choice(
                    "建设类别", {"housing": "村民住宅", "enterprise": "乡镇企业", "public": "乡村公共设施、公益事业"}
                ),
                "land_area_m2": indicator("land_area_m2"),
                "total_floor_area_m2": indicator("total_floor_area_m2"),
                "floors_above": integer("层数", unit="层", minimum=1),
                "height_m": indicator("height_m", maximum=15),
                "homestead_cert_no": text("宅基地或集体建设用地批准文号", max_length=60),
            },
            ["village", "building_use", "land_area_m2", "total_floor_area_m2", "floors_above", "height_m"],
        ),
        materials=[
            APPLICATION, IDENTITY,
            M("village_opinion", "村民委员会或农村集体经济组织意见", original=True),
            M("homestead_approval", "宅基地或集体建设用地批准文件"),
            M("house_drawings", "建房设计图或选用的农房通用图", original=True),
            M("household_register", "户口簿", requirement=COMMITMENT, note="村民住宅提交；告知承诺制"),
            M("neighbour_consent", "相邻权利人意见", original=True, requirement=DEFERRABLE),
        ],
    ),
    ItemDefinition(
        code=codes.SETTING_OUT_CHECK,
        name="建设工程规划放线、验线",
        category=Category.NON_LICENCE,
        summary="取得建设工程规划许可证的建设工程，开工前申请放线复核，基础完工后申请验线，"
        "核对建筑物位置与许可证附图一致。",
        legal_basis=f"{LAW}第四十条、第五十三条；《市城乡规划条例》有关建设工程放线、验线的规定",
        statutory_days=10,
        promised_days=5,
        process_id=codes.PROCESS_DELEGATED,
        procedure=STEPS_DELEGATED,
        certificate_type="setting_out",
        handling_level=HandlingLevel.BRANCH,
        offices=[DIV3_OUTER, *CENTRAL_DIVISIONS, ("branch_east", 10)],
        form=form_schema(
            "建设工程规划放线、验线申请表",
            {
                "stage": choice("申请阶段", {"setting_out": "放线", "line_check": "验线"}),
                "construction_permit_no": text("建设工程规划许可证编号", max_length=60),
                "survey_unit": text("测量单位", max_length=100),
                "buildings": integer("涉及建筑栋数", unit="栋", minimum=1),
            },
            ["stage", "construction_permit_no", "survey_unit"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("construction_permit_copy", "建设工程规划许可证及附图"),
            M("setting_out_survey", "放线（验线）测量成果报告", original=True),
            M("site_layout", "总平面定位图（标注坐标）", original=True),
            M("foundation_photos", "基础完工现场照片", original=True, requirement=CONDITIONAL, note="验线时提交"),
        ],
    ),
    ItemDefinition(
        code=codes.HISTORIC_BUILDING,
        name="历史建筑修缮及使用性质变更审批",
        category=Category.NON_LICENCE,
        summary="对历史建筑进行外部修缮装饰、添加设施以及改变其结构或使用性质的，经本局会同文物主管部门批准。",
        legal_basis="《历史文化名城名镇名村保护条例》第三十四条、第三十五条；"
        f"{LAW}第三十一条",
        statutory_days=20,
        promised_days=15,
        process_id=codes.PROCESS_TWO_MEETINGS,
        procedure=STEPS_TWO_MEETINGS,
        certificate_type="historic_building",
        offices=CENTRAL_DIVISIONS,
        form=form_schema(
            "历史建筑修缮及使用性质变更申请表",
            {
                "building_name": text("历史建筑名称", max_length=100),
                "register_no": text("历史建筑保护名录编号", max_length=60),
                "work_kind": choice(
                    "申请事项",
                    {"repair": "外部修缮装饰", "facility": "添加设施", "structure": "改变结构", "use": "改变使用性质"},
                ),
                "total_floor_area_m2": indicator("total_floor_area_m2"),
                "height_m": indicator("height_m"),
                "current_use": text("现状用途", max_length=60),
                "proposed_use": text("拟变更用途", max_length=60),
            },
            ["building_name", "register_no", "work_kind"],
        ),
        materials=[
            APPLICATION, IDENTITY, MANDATE,
            M("ownership", "历史建筑产权证明或使用权证明"),
            M("survey_photos", "历史建筑现状测绘图及照片", original=True),
            M("repair_scheme", "修缮设计方案（具有相应资质单位编制）", original=True, copies=3),
            M("heritage_opinion", "文物主管部门意见", requirement=DEFERRABLE, note="容缺受理：可由本局征询"),
            M("expert_review", "专家论证意见", original=True, requirement=CONDITIONAL, note="改变结构或使用性质的提交"),
        ],
    ),
]

# One filled-in form per item, valid against its schema (JSON Schema's `examples`): for the demo, for API clients
# and tests, and as a model answer beside the blank form. The figures suit a residential block in the demo city.
_RESIDENTIAL = {
    "land_area_m2": 20000, "land_use_class": "R", "floor_area_ratio": 2.5, "building_density_pct": 25,
    "height_m": 54, "green_ratio_pct": 35,
}
EXAMPLES = {
    codes.LAND_USE_PERMIT: {
        "land_supply": "transfer", "transfer_contract_no": "出让合同〔2026〕第018号", **_RESIDENTIAL,
        "construction_nature": "new", "investment_10k_yuan": 36000,
    },
    codes.CONSTRUCTION_PERMIT: {
        "land_use_permit_no": "地字第420100202600018号", **_RESIDENTIAL, "total_floor_area_m2": 50000,
        "above_ground_area_m2": 50000, "underground_area_m2": 12000, "floors_above": 18, "floors_below": 1,
        "parking_spaces": 420, "construction_nature": "new", "investment_10k_yuan": 36000,
    },
    codes.SITE_SELECTION: {
        "project_proposal_no": "发改投资〔2026〕45号", "land_area_m2": 30000, "land_use_class": "A",
        "total_floor_area_m2": 24000, "is_major_project": False, "alternative_sites": 2,
        "construction_nature": "new", "investment_10k_yuan": 18000,
    },
    codes.DESIGN_SCHEME_REVIEW: {
        "planning_conditions_no": "规条〔2026〕第007号", "design_institute": "市建筑设计研究院有限公司",
        **_RESIDENTIAL, "total_floor_area_m2": 50000, "parking_spaces": 420, "construction_nature": "new",
    },
    codes.PLANNING_CONDITIONS: {
        "land_supply": "transfer", **_RESIDENTIAL, "reserve_plan_no": "储备〔2026〕第3号",
    },
    codes.VERIFICATION: {
        "construction_permit_no": "建字第420100202500102号", "completion_date": "2026-10-30",
        "total_floor_area_m2": 49800, "floor_area_ratio": 2.49, "building_density_pct": 25, "height_m": 53.7,
        "green_ratio_pct": 35.2, "survey_report_no": "核测〔2026〕第061号",
    },
    codes.TEMPORARY_CONSTRUCTION: {
        "purpose": "施工项目部临时办公用房", "use_months": 18, "land_area_m2": 800, "total_floor_area_m2": 600,
        "height_m": 7.2, "floors_above": 2,
    },
    codes.PIPELINE_APPROVAL: {
        "pipe_kind": "water", "length_m": 1250, "diameter_mm": 600, "burial_depth_m": 1.8,
        "road_names": "滨江大道（解放路至中山路段）", "trenchless": False, "investment_10k_yuan": 860,
    },
    codes.RURAL_PERMIT: {
        "village": "乔镇东湖村", "building_use": "housing", "land_area_m2": 120, "total_floor_area_m2": 260,
        "floors_above": 3, "height_m": 10.5, "homestead_cert_no": "乔宅批〔2026〕第021号",
    },
    codes.SETTING_OUT_CHECK: {
        "stage": "setting_out", "construction_permit_no": "建字第420100202600018号",
        "survey_unit": "市勘测设计研究院", "buildings": 6,
    },
    codes.HISTORIC_BUILDING: {
        "building_name": "江汉关旧址附属楼", "register_no": "历建-2019-031", "work_kind": "repair",
        "total_floor_area_m2": 1800, "height_m": 16, "current_use": "办公", "proposed_use": "办公",
    },
}
for _definition in ITEMS:
    _definition.form["examples"] = [EXAMPLES[_definition.code]]

ITEMS_BY_CODE = {definition.code: definition for definition in ITEMS}
