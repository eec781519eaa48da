"""Write the shipped process files (BPMN 2.0 with diagram information) from the short descriptions below.

Run `python -m plandesk.workflow.processes.generate` after changing a description; the .bpmn files are what
plandesk loads and what administrators download, edit in any BPMN modeller and upload again.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
LANE_ROW = 110  # height of one row inside a lane
LANE_LABEL = 30
COL = 160
X0 = 80
SIZES = {"start": (36, 36), "end": (36, 36), "task": (110, 70), "xor": (50, 50), "and": (50, 50),
         "signal_wait": (36, 36)}
# The signal a step waiting for the end of the case's publicity period catches (sent by publicity's worker job).
PUBLICITY_SIGNAL = "publicity_ended"

REVIEW_FORM = {
    "type": "object",
    "title": "审查意见表",
    "properties": {
        "conformity": {"type": "string", "title": "规划符合性", "enum": ["符合", "基本符合", "不符合"]},
        "key_points": {"type": "string", "title": "审查要点", "maxLength": 2000},
    },
    "required": ["conformity"],
}
CO_REVIEW_FORM = {
    "type": "object",
    "title": "会签意见表",
    "properties": {
        "agree": {"type": "boolean", "title": "同意"},
        "conditions": {"type": "string", "title": "会签条件", "maxLength": 2000},
    },
    "required": ["agree"],
}
DIRECTOR_FORM = {
    "type": "object",
    "title": "局长审核意见",
    "properties": {"submit_to_bureau_meeting": {"type": "boolean", "title": "提交局务会"}},
}


def task(id, name, lane, col, row=0, days=None, **props):
    return {"id": id, "kind": "task", "name": name, "lane": lane, "col": col, "row": row, "days": days,
            "props": props}


def node(id, kind, name, lane, col, row=0):
    return {"id": id, "kind": kind, "name": name, "lane": lane, "col": col, "row": row, "days": None, "props": {}}


def publicity_stage(col, before, after, handler="handler", row=1):
    """Pre-approval publicity (批前公示) for the cases whose items require it, between `before` and `after` (the
    division meeting, or the decision in delegated items): the handler prepares and announces it (安排批前公示:
    the step ends only once the publicity is scheduled, publicity/gate.py), the process waits for the period's end
    (the case clock is paused over it), the handler reviews the opinions (审查公示意见). Other cases go straight on.
    Takes columns col..col+3; the branch runs in the handler lane's second row."""
    nodes = [
        node("gw_publicity", "xor", "须批前公示？", handler, col),
        task("prepare_publicity", "安排批前公示", handler, col + 1, row, 1),
        node("wait_publicity", "signal_wait", "等待公示期满", handler, col + 2, row),
        task("review_opinions", "审查公示意见", handler, col + 3, row, 1),
    ]
    flows = [
        ("f_publicity_in", before, "gw_publicity", None, None),
        ("f_publicity", "gw_publicity", "prepare_publicity", 'case.get("publicity_required", False)', "须公示"),
        ("f_no_publicity", "gw_publicity", after, None, "无须公示"),
        ("f_publicity_wait", "prepare_publicity", "wait_publicity", None, None),
        ("f_publicity_ended", "wait_publicity", "review_opinions", None, None),
        ("f_publicity_out", "review_opinions", after, None, None),
    ]
    return nodes, flows


def check_tail(start_col, handler="handler", head="head", output="output"):
    """The certificate step, then the second person's check (证件校核) by the handling office's head, then the
    output window. The check's `return` goes back to the certificate step (the engine's return); its `reject` does
    too, through the gateway after it, with the reason in the step's opinion."""
    nodes, flows = [], []
    for row, (kind, prepare_name) in enumerate((("certificate", "制证"), ("refusal", "制作不予许可决定书"))):
        prepare, check, gate = f"prepare_{kind}", f"check_{kind}", f"gw_check_{kind}"
        nodes += [
            task(prepare, prepare_name, handler, start_col, row, 2),
            task(check, "证件校核", head, start_col + 1, row, 1),
            node(gate, "xor", "校核结论", head, start_col + 2, row),
        ]
        flows += [
            (f"f_{check}", prepare, check, None, None),
            (f"f_{check}_back", gate, prepare, 'decision == "reject"', "校核不通过"),
            (f"f_{check}_ok", gate, "end", None, "校核通过"),
            (f"f_{gate}", check, gate, None, None),
        ]
    nodes.append(node("end", "end", "送出件窗口", output, start_col + 3))
    return nodes, flows


def decision_tail(start_col, handler="handler"):
    """Bureau meeting outcome: a certificate when approved, a refusal decision when rejected, each checked by a
    second person, then the window."""
    nodes, flows = check_tail(start_col + 1, handler)
    return [node("gw_outcome", "xor", "审批结论", "director", start_col), *nodes], [
        ("f_cert", "gw_outcome", "prepare_certificate", None, "准予"),
        ("f_refuse", "gw_outcome", "prepare_refusal", 'decision == "reject"', "不予"),
        *flows,
    ]


MEETINGS_LANES = [
    ("handler", "承办处室经办人 [handler]", 2),
    ("head", "承办处室处长（处务会、证件校核） [head]", 2),
    ("director", "局长（局务会） [director]", 1),
    ("output", "出件窗口 [output]", 1),
]


def two_meetings():
    tail_nodes, tail_flows = decision_tail(9)
    pub_nodes, pub_flows = publicity_stage(2, "review", "division_meeting")
    nodes = [
        node("start", "start", "窗口受理", "handler", 0),
        task("review", "承办审查", "handler", 1, 0, 5, form_schema=REVIEW_FORM),
        *pub_nodes,
        task("division_meeting", "处务会", "head", 6, 0, 5, meeting="division"),
        task("director_review", "局长审核", "director", 7, 0, 2, form_schema=DIRECTOR_FORM),
        task("bureau_meeting", "局务会", "director", 8, 0, 5, meeting="bureau", final="true"),
        *tail_nodes,
    ]
    flows = [
        ("f1", "start", "review", None, None),
        *pub_flows,
        ("f3", "division_meeting", "director_review", None, None),
        ("f4", "director_review", "bureau_meeting", None, None),
        ("f5", "bureau_meeting", "gw_outcome", None, None),
        *tail_flows,
    ]
    return "plandesk_two_meetings", "两会制度审批流程", MEETINGS_LANES, nodes, flows


def parallel_approval():
    lanes = [
        ("handler", "主办处室经办人（选址） [handler]", 2),
        ("partner", "设计方案审查处室 [div3.handler]", 1),
        ("head", "主办处室处长（处务会、证件校核） [head]", 2),
        ("director", "局长（局务会） [director]", 1),
        ("output", "出件窗口 [output]", 1),
    ]
    tail_nodes, tail_flows = decision_tail(11)
    pub_nodes, pub_flows = publicity_stage(4, "join", "division_meeting")
    nodes = [
        node("start", "start", "窗口受理", "handler", 0),
        node("split", "and", "并联分发", "handler", 1),
        task("site_review", "选址意见审查", "handler", 2, 0, 5, form_schema=REVIEW_FORM, item="site_selection"),
        task("design_review", "设计方案审查", "partner", 2, 0, 5, form_schema=REVIEW_FORM,
             item="design_scheme_review"),
        node("join", "and", "并联汇合", "handler", 3),
        *pub_nodes,
        task("division_meeting", "处务会", "head", 8, 0, 5, meeting="division"),
        task("director_review", "局长审核", "director", 9, 0, 2, form_schema=DIRECTOR_FORM),
        task("bureau_meeting", "局务会", "director", 10, 0, 5, meeting="bureau", final="true"),
        *tail_nodes,
    ]
    flows = [
        ("f1", "start", "split", None, None),
        ("f2", "split", "site_review", None, None),
        ("f3", "split", "design_review", None, None),
        ("f4", "site_review", "join", None, None),
        ("f5", "design_review", "join", None, None),
        *pub_flows,
        ("f7", "division_meeting", "director_review", None, None),
        ("f8", "director_review", "bureau_meeting", None, None),
        ("f9", "bureau_meeting", "gw_outcome", None, None),
        *tail_flows,
    ]
    return "plandesk_parallel_approval", "并联审批流程（选址意见书与设计方案审查）", lanes, nodes, flows


def co_review():
    lanes = [
        ("handler", "主办处室经办人 [handler]", 2),
        ("municipal", "市政处会签 [municipal.co_reviewer]", 1),
        ("survey", "测绘管理处会签 [survey.co_reviewer]", 1),
        ("head", "主办处室处长（处务会、证件校核） [head]", 2),
        ("director", "局长（局务会） [director]", 1),
        ("output", "出件窗口 [output]", 1),
    ]
    tail_nodes, tail_flows = decision_tail(12)
    pub_nodes, pub_flows = publicity_stage(5, "join", "division_meeting")
    nodes = [
        node("start", "start", "窗口受理", "handler", 0),
        task("review", "承办审查", "handler", 1, 0, 5, form_schema=REVIEW_FORM),
        node("split", "and", "分送会签", "handler", 2),
        task("co_review_municipal", "市政处会签", "municipal", 3, 0, 3, on_timeout="consent",
             form_schema=CO_REVIEW_FORM),
        task("co_review_survey", "测绘管理处会签", "survey", 3, 0, 3, on_timeout="consent",
             form_schema=CO_REVIEW_FORM),
        node("join", "and", "会签汇总", "handler", 4),
        *pub_nodes,
        task("division_meeting", "处务会", "head", 9, 0, 5, meeting="division"),
        task("director_review", "局长审核", "director", 10, 0, 2, form_schema=DIRECTOR_FORM),
        task("bureau_meeting", "局务会", "director", 11, 0, 5, meeting="bureau", final="true"),
        *tail_nodes,
    ]
    flows = [
        ("f1", "start", "review", None, None),
        ("f2", "review", "split", None, None),
        ("f3", "split", "co_review_municipal", None, None),
        ("f4", "split", "co_review_survey", None, None),
        ("f5", "co_review_municipal", "join", None, None),
        ("f6", "co_review_survey", "join", None, None),
        *pub_flows,
        ("f8", "division_meeting", "director_review", None, None),
        ("f9", "director_review", "bureau_meeting", None, None),
        ("f10", "bureau_meeting", "gw_outcome", None, None),
        *tail_flows,
    ]
    return "plandesk_co_review", "会签审批流程（超时默许）", lanes, nodes, flows


def delegated():
    lanes = [
        ("handler", "分局/镇经办人 [handler]", 2),
        ("head", "分局/镇负责人（审批、证件校核） [head]", 2),
        ("output", "出件窗口 [output]", 1),
    ]
    tail_nodes, tail_flows = check_tail(8)
    pub_nodes, pub_flows = publicity_stage(2, "review", "head_decision")
    nodes = [
        node("start", "start", "窗口受理", "handler", 0),
        task("review", "承办审查", "handler", 1, 0, 5, form_schema=REVIEW_FORM),
        *pub_nodes,
        task("head_decision", "负责人审批", "head", 6, 0, 3, final="true"),
        node("gw_outcome", "xor", "审批结论", "head", 7),
        *tail_nodes,
    ]
    flows = [
        ("f1", "start", "review", None, None),
        *pub_flows,
        ("f3", "head_decision", "gw_outcome", None, None),
        ("f_cert", "gw_outcome", "prepare_certificate", None, "准予"),
        ("f_refuse", "gw_outcome", "prepare_refusal", 'decision == "reject"', "不予"),
        *tail_flows,
    ]
    return "plandesk_delegated", "下放审批流程（分局、乡镇自办）", lanes, nodes, flows


def render(process_id, name, lanes, nodes, flows) -> str:
    lane_y, y = {}, 0
    for key, _label, rows in lanes:
        lane_y[key] = (y, rows)
        y += rows * LANE_ROW
    height = y
    width = X0 + (max(n["col"] for n in nodes) + 1) * COL + 20
    bounds = {}
    for n in nodes:
        w, h = SIZES[n["kind"]]
        top, _rows = lane_y[n["lane"]]
        cx = LANE_LABEL + X0 + n["col"] * COL
        cy = top + n["row"] * LANE_ROW + LANE_ROW // 2
        bounds[n["id"]] = (cx - w // 2, cy - h // 2, w, h)
    incoming = {n["id"]: [] for n in nodes}
    outgoing = {n["id"]: [] for n in nodes}
    for fid, src, tgt, _cond, _label in flows:
        outgoing[src].append(fid)
        incoming[tgt].append(fid)
    defaults = {src: fid for fid, src, _tgt, cond, _l in flows
                if cond is None and any(f[1] == src and f[3] for f in flows)}

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
           'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
           f'id="Definitions_{process_id}" targetNamespace="http://plandesk.example/bpmn">',
           *([f'  <bpmn:signal id="Signal_{PUBLICITY_SIGNAL}" name="{PUBLICITY_SIGNAL}"/>']
             if any(n["kind"] == "signal_wait" for n in nodes) else []),
           f'  <bpmn:collaboration id="Collaboration_{process_id}">',
           f'    <bpmn:participant id="Participant_{process_id}" name={quoteattr(name)} processRef="{process_id}"/>',
           '  </bpmn:collaboration>',
           f'  <bpmn:process id="{process_id}" name={quoteattr(name)} isExecutable="true">',
           f'    <bpmn:laneSet id="LaneSet_{process_id}">']
    for key, label, _rows in lanes:
        out.append(f'      <bpmn:lane id="Lane_{key}" name={quoteattr(label)}>')
        for n in nodes:
            if n["lane"] == key:
                out.append(f"        <bpmn:flowNodeRef>{n['id']}</bpmn:flowNodeRef>")
        out.append("      </bpmn:lane>")
    out.append("    </bpmn:laneSet>")
    tags = {"start": "startEvent", "end": "endEvent", "task": "userTask", "xor": "exclusiveGateway",
            "and": "parallelGateway", "signal_wait": "intermediateCatchEvent"}
    for n in nodes:
        tag = tags[n["kind"]]
        attrs = f'id="{n["id"]}" name={quoteattr(n["name"])}'
        if n["id"] in defaults:
            attrs += f' default="{defaults[n["id"]]}"'
        out.append(f"    <bpmn:{tag} {attrs}>")
        if n["kind"] == "task":
            props = {"time_limit_days": str(n["days"])} if n["days"] is not None else {}
            schema = None
            for k, v in n["props"].items():
                if k == "form_schema":
                    schema = v
                else:
                    props[k] = v
            out.append("      <bpmn:extensionElements>")
            out.append("        <spiffworkflow:properties>")
            for k, v in props.items():
                out.append(f"          <spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)}/>")
            out.append("        </spiffworkflow:properties>")
            if schema is not None:
                text = escape(json.dumps(schema, ensure_ascii=False))
                out.append(f"        <spiffworkflow:formSchema>{text}</spiffworkflow:formSchema>")
            out.append("      </bpmn:extensionElements>")
        for fid in incoming[n["id"]]:
            out.append(f"      <bpmn:incoming>{fid}</bpmn:incoming>")
        for fid in outgoing[n["id"]]:
            out.append(f"      <bpmn:outgoing>{fid}</bpmn:outgoing>")
        if n["kind"] == "signal_wait":  # after the flows, as the BPMN schema orders a catch event's parts
            out.append(f'      <bpmn:signalEventDefinition signalRef="Signal_{PUBLICITY_SIGNAL}"/>')
        out.append(f"    </bpmn:{tag}>")
    for fid, src, tgt, cond, label in flows:
        attrs = f'id="{fid}" sourceRef="{src}" targetRef="{tgt}"'
        if label:
            attrs += f" name={quoteattr(label)}"
        if cond:
            out.append(f"    <bpmn:sequenceFlow {attrs}>")
            out.append(f'      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{escape(cond)}'
                       "</bpmn:conditionExpression>")
            out.append("    </bpmn:sequenceFlow>")
        else:
            out.append(f"    <bpmn:sequenceFlow {attrs}/>")
    out.append("  </bpmn:process>")
    out.append(f'  <bpmndi:BPMNDiagram id="Diagram_{process_id}">')
    out.append(f'    <bpmndi:BPMNPlane id="Plane_{process_id}" bpmnElement="Collaboration_{process_id}">')
    out.append(f'      <bpmndi:BPMNShape id="Participant_{process_id}_di" bpmnElement="Participant_{process_id}" '
               'isHorizontal="true">')
    out.append(f'        <dc:Bounds x="0" y="0" width="{width}" height="{height}"/>')
    out.append("      </bpmndi:BPMNShape>")
    for key, _label, _rows in lanes:
        top, rows = lane_y[key]
        out.append(f'      <bpmndi:BPMNShape id="Lane_{key}_di" bpmnElement="Lane_{key}" isHorizontal="true">')
        out.append(f'        <dc:Bounds x="{LANE_LABEL}" y="{top}" width="{width - LANE_LABEL}" '
                   f'height="{rows * LANE_ROW}"/>')
        out.append("      </bpmndi:BPMNShape>")
    for n in nodes:
        x, y, w, h = bounds[n["id"]]
        extra = ' isMarkerVisible="true"' if n["kind"] == "xor" else ""
        out.append(f'      <bpmndi:BPMNShape id="{n["id"]}_di" bpmnElement="{n["id"]}"{extra}>')
        out.append(f'        <dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>')
        out.append("      </bpmndi:BPMNShape>")
    for fid, src, tgt, _cond, _label in flows:
        sx, sy, sw, sh = bounds[src]
        tx, ty, tw, th = bounds[tgt]
        if tx < sx:  # a way back (校核不通过): over the top of the target, clear of the flows forward
            above = ty - 10
            points = [(sx + sw // 2, sy), (sx + sw // 2, above), (tx + tw // 2, above), (tx + tw // 2, ty)]
        else:
            start = (sx + sw, sy + sh // 2)
            end = (tx, ty + th // 2)
            points = [start]
            if start[1] != end[1]:
                mid = (start[0] + end[0]) // 2
                points += [(mid, start[1]), (mid, end[1])]
            points.append(end)
        out.append(f'      <bpmndi:BPMNEdge id="{fid}_di" bpmnElement="{fid}">')
        for px, py in points:
            out.append(f'        <di:waypoint x="{px}" y="{py}"/>')
        out.append("      </bpmndi:BPMNEdge>")
    out.append("    </bpmndi:BPMNPlane>")
    out.append("  </bpmndi:BPMNDiagram>")
    out.append("</bpmn:definitions>")
    return "\n".join(out) + "\n"


PROCESSES = [two_meetings, parallel_approval, co_review, delegated]


def main() -> None:
    for build in PROCESSES:
        process_id, *rest = build()
        (HERE / f"{process_id}.bpmn").write_text(render(process_id, *rest), encoding="utf-8")
        print(f"wrote {process_id}.bpmn")


if __name__ == "__main__":
    main()
