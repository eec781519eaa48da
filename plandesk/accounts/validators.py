"""Password complexity as China's classified protection (等保三级) expects: several character classes."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    CLASSES = (
        ("lower", lambda c: c in string.ascii_lowercase),
        ("upper", lambda c: c in string.ascii_uppercase),
        ("digit", lambda c: c in string.digits),
        ("symbol", lambda c: not c.isalnum()),
    )

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for _name, test in self.CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号中至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字、符号中至少 %(n)d 类。") % {"n": self.min_classes}
