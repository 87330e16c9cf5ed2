from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import Length

from valuma_space.validators import title_field


class PageForm(FlaskForm):
    title = title_field(_l("Sivun otsikko"), _l("Anna sivulle otsikko."))
    intro = TextAreaField(
        _l("Johdanto (valinnainen)"), validators=[Length(max=2000)], render_kw={"rows": 3}
    )


class NewSectionForm(FlaskForm):
    heading = title_field(_l("Osion otsikko"), _l("Anna osiolle otsikko."))


class SectionEditForm(FlaskForm):
    heading = title_field(_l("Osion otsikko"), _l("Anna osiolle otsikko."))
    body = TextAreaField(
        _l("Teksti (Markdown)"),
        validators=[Length(max=100_000, message=_l("Teksti on liian pitkä."))],
        render_kw={"rows": 18},
    )
    base_revision = IntegerField()
    action = HiddenField()


class UploadForm(FlaskForm):
    file = FileField(
        _l("Liitetiedosto"), validators=[FileRequired(message=_l("Valitse ladattava tiedosto."))]
    )
