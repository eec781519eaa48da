"""Stable codes of the bureau's approval items, parallel groups, processes and certificate types.

Other apps, the API's clients and the demo refer to items by these codes; they never change once published.
"""

# The two administrative licences (行政许可).
LAND_USE_PERMIT = "land_use_permit"  # 建设用地规划许可证
CONSTRUCTION_PERMIT = "construction_permit"  # 建设工程规划许可证

# The nine non-licence items (非行政许可审批).
SITE_SELECTION = "site_selection"  # 建设项目规划选址意见书
DESIGN_SCHEME_REVIEW = "design_scheme_review"  # 建设工程设计方案审查
PLANNING_CONDITIONS = "planning_conditions"  # 规划条件（设计条件）核发
VERIFICATION = "verification"  # 建设工程规划条件核实
TEMPORARY_CONSTRUCTION = "temporary_construction"  # 临时建设工程规划审批
PIPELINE_APPROVAL = "pipeline_approval"  # 市政管线工程规划审批
RURAL_PERMIT = "rural_permit"  # 乡村建设规划许可
SETTING_OUT_CHECK = "setting_out_check"  # 建设工程规划放线、验线
HISTORIC_BUILDING = "historic_building"  # 历史建筑修缮及使用性质变更审批

LICENCE_ITEMS = (LAND_USE_PERMIT, CONSTRUCTION_PERMIT)
NON_LICENCE_ITEMS = (
    SITE_SELECTION,
    DESIGN_SCHEME_REVIEW,
    PLANNING_CONDITIONS,
    VERIFICATION,
    TEMPORARY_CONSTRUCTION,
    PIPELINE_APPROVAL,
    RURAL_PERMIT,
    SETTING_OUT_CHECK,
    HISTORIC_BUILDING,
)
ALL_ITEMS = LICENCE_ITEMS + NON_LICENCE_ITEMS

# Parallel approval (并联审批): site selection and the design scheme review in one case.
SITE_AND_SCHEME = "site_and_scheme"

# BPMN process ids (docs/CONTRACTS.md "catalog"), built by the workflow app.
PROCESS_TWO_MEETINGS = "plandesk_two_meetings"
PROCESS_PARALLEL = "plandesk_parallel_approval"
PROCESS_CO_REVIEW = "plandesk_co_review"
PROCESS_DELEGATED = "plandesk_delegated"

# Certificate types (证照类型) an item's approval issues; the certificates app numbers and signs them.
CERTIFICATE_TYPES = {
    "land_use_permit": "建设用地规划许可证",
    "construction_permit": "建设工程规划许可证",
    "site_selection": "建设项目选址意见书",
    "scheme_approval": "建设工程设计方案审查意见书",
    "planning_conditions": "规划条件通知书",
    "verification": "建设工程规划条件核实合格证",
    "temporary_permit": "临时建设工程规划许可证",
    "pipeline_permit": "建设工程规划许可证（市政管线）",
    "rural_permit": "乡村建设规划许可证",
    "setting_out": "建设工程放线验线记录册",
    "historic_building": "历史建筑修缮审批意见书",
}
