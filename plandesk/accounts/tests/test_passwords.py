import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from plandesk.accounts.models import User


@pytest.mark.parametrize("weak", ["short1!A", "alllowercaseletters", "ALLUPPER12345", "abcdefghij12"])
def test_it_refuses_weak_passwords(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_it_accepts_the_demo_password():
    validate_password("Demo-2026!")


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    user = User.objects.create_user("hashcheck", password="Strong-Pass-77")
    assert user.password.startswith("argon2")
