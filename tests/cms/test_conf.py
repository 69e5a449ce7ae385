"""One settings helper for every app: unset, None and "" give the documented default."""

from pathlib import Path

import pytest
from django.test import override_settings

from cms import conf as cms_conf
from courses import conf as courses_conf
from mentoring import conf as mentoring_conf
from video import conf as video_conf


@pytest.mark.parametrize("value", [None, ""])
def test_an_empty_setting_counts_as_unset_in_every_app(settings, value):
    settings.TANDEM_FILE_DELIVERY = value
    settings.TANDEM_COURSES_TRAINER_GROUP = value
    settings.TANDEM_VIDEO_JITSI_AUDIENCE = value
    assert cms_conf.get("FILE_DELIVERY") == "django"
    assert not cms_conf.is_set("FILE_DELIVERY")
    assert courses_conf.get("TRAINER_GROUP") == "Trainer:innen"
    assert video_conf.get("JITSI_AUDIENCE") == "jitsi"


def test_an_unset_setting_gives_the_default(settings):
    assert not hasattr(settings, "TANDEM_COURSES_TRAINER_GROUP")
    assert courses_conf.get("TRAINER_GROUP") == "Trainer:innen"


def test_off_values_are_kept(settings):
    settings.TANDEM_MENTORING_SESSIONS_ENABLED = False
    settings.TANDEM_TRUSTED_PROXY_COUNT = 0
    assert mentoring_conf.get("SESSIONS_ENABLED") is False
    assert cms_conf.is_set("TRUSTED_PROXY_COUNT") and cms_conf.get("TRUSTED_PROXY_COUNT") == 0


def test_defaults_made_from_other_settings_follow_them():
    with override_settings(WAGTAIL_SITE_NAME="Kreisverband Nord", BASE_DIR=Path("/srv/site")):
        assert courses_conf.get("CERTIFICATE_ISSUER") == "Kreisverband Nord"
        assert courses_conf.get("PRIVATE_MEDIA_ROOT") == Path("/srv/site/private-media")
    with override_settings(TANDEM_COURSES_CERTIFICATE_ISSUER="Landesverband"):
        assert courses_conf.get("CERTIFICATE_ISSUER") == "Landesverband"


def test_an_unknown_name_is_a_mistake_not_a_default():
    with pytest.raises(KeyError):
        cms_conf.get("NO_SUCH_SETTING")
