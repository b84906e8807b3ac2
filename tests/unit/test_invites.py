import re

from services.joining.invites import new_code


def test_invite_codes_fit_a_deep_link_and_never_look_like_an_option():
    codes = [new_code() for _ in range(2000)]
    assert all(re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,31}", code) for code in codes)
    assert len(set(codes)) == len(codes)
