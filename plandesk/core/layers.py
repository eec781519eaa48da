"""The layers of the house (docs/ARCHITECTURE.md): every plandesk app and the layer it sits in.

Imports point down the layers, or sideways inside one, never up and never in a circle; `core/tests/test_layers.py`
reads every module's imports (function-local ones too) and holds the code to this map. A new app adds its line here.
"""

from __future__ import annotations

FOUNDATIONS, CONFIGURATION, RECORD, PROCESS, WORK, FACES = range(6)

LAYERS: dict[str, int] = {
    # foundations: the search contract, refusals, limits, counters, named signals; who, the audit, the outbox
    "core": FOUNDATIONS,
    "accounts": FOUNDATIONS,
    "audit": FOUNDATIONS,
    "notifications": FOUNDATIONS,
    "operations": FOUNDATIONS,
    # the bureau's configuration and rules
    "catalog": CONFIGURATION,
    "organization": CONFIGURATION,
    "workdays": CONFIGURATION,
    "handbook": CONFIGURATION,
    # the record: the case file and the base databases
    "cases": RECORD,
    "gis": RECORD,
    # processes, tasks, deadlines, lights
    "workflow": PROCESS,
    # the bureau's work
    "window": WORK,
    "meetings": WORK,
    "supervision": WORK,
    "certificates": WORK,
    "publicity": WORK,
    "appointments": WORK,
    "reports": WORK,
    # the public's faces
    "portal": FACES,
    "phone": FACES,
}

LAYER_NAMES = {
    FOUNDATIONS: "foundations", CONFIGURATION: "configuration", RECORD: "record", PROCESS: "process",
    WORK: "work", FACES: "faces",
}
