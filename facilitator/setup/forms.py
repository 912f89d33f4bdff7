"""Set-up forms. Lists (questions, organisers) are typed one per line; people are rows of a table."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import PersonRole, Role, SessionKind


class LinesField(TextAreaField):
    """A textarea whose value is a list: one entry per non-empty line."""

    def process_formdata(self, valuelist):
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in text.splitlines() if line.strip()]

    def _value(self):
        return "\n".join(self.data or [])


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class EventForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=300)], filters=[_strip])
    subtitle = StringField("Subtitle", validators=[Length(max=500)], filters=[_strip])
    venue = StringField("Venue", validators=[Length(max=500)], filters=[_strip])
    start_date = DateField("First day", validators=[Optional()])
    end_date = DateField("Last day", validators=[Optional()])
    organisers = LinesField("Organisers (one per line)")
    language = StringField("Language code", default="en", validators=[DataRequired(), Length(max=16)], filters=[_strip])
    introduction = TextAreaField("Introduction (for the report)", filters=[_strip])
    disclaimer = TextAreaField("Disclaimer on workshop outcomes", filters=[_strip])

    FIELDS = ("title", "subtitle", "venue", "start_date", "end_date", "organisers", "language",
              "introduction", "disclaimer")


class ImportForm(FlaskForm):
    file = FileField("Programme file (.yaml or .json)", validators=[FileRequired()])


class PersonForm(Form):
    """One row of a session's or workshop's people (a plain Form: the page's form carries the CSRF token)."""

    order = IntegerField("Order", validators=[Optional(), NumberRange(min=0, max=999)])
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in PersonRole])
    name = StringField("Name", validators=[Length(max=500)], filters=[_strip])
    title = StringField("Title or function", validators=[Length(max=300)], filters=[_strip])
    organisation = StringField("Organisation", validators=[Length(max=300)], filters=[_strip])
    user = StringField("Account (username)", validators=[Length(max=64)], filters=[_strip])


IN_REPORT_CHOICES = [
    SelectChoice("default", "As its kind says (breaks are left out)"),
    SelectChoice("yes", "In the report"),
    SelectChoice("no", "Left out of the report"),
]


class ProgrammeSessionForm(FlaskForm):
    kind = SelectField(
        "Kind", choices=[SelectChoice(k.value, k.label) for k in SessionKind], default=SessionKind.PLENARY.value
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=500)], filters=[_strip])
    day = DateField("Day", validators=[Optional()])
    start_time = TimeField("Starts", validators=[Optional()])
    end_time = TimeField("Ends", validators=[Optional()])
    questions = LinesField("Main questions or topics (one per line)")
    description = TextAreaField("Description", filters=[_strip])
    people_rows = FieldList(FormField(PersonForm))  # not `people`: the form must not read the model's list
    capture = BooleanField("Captured in a room of its own (rapporteurs write there; not for workshop rounds)")
    location = StringField("Location of its room", validators=[Length(max=200)], filters=[_strip],
                           description="e.g. Room A, 2nd floor")
    in_report = SelectField("In the report", choices=IN_REPORT_CHOICES, default="default")

    FIELDS = ("kind", "title", "day", "start_time", "end_time", "questions", "description")


class WorkshopForm(FlaskForm):
    number = IntegerField("Number", validators=[DataRequired(), NumberRange(min=1, max=999)])
    title = StringField("Title", validators=[DataRequired(), Length(max=500)], filters=[_strip])
    description = TextAreaField("Description", filters=[_strip])
    questions = LinesField("Guiding questions (one per line)")
    people_rows = FieldList(FormField(PersonForm))  # not `people`: the form must not read the model's list
    rounds = SelectMultipleField("Runs in", coerce=int, widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput(), validators=[Optional()])
    rounds_shown = HiddenField()  # "1" when the page showed the round boxes: none ticked then means none
    location = StringField("Location of its rooms", validators=[Length(max=200)], filters=[_strip],
                           description="e.g. Room A, 2nd floor")

    FIELDS = ("number", "title", "description", "questions")


class RoundForm(FlaskForm):
    number = IntegerField("Number", validators=[DataRequired(), NumberRange(min=1, max=999)])
    title = StringField("Title", validators=[Length(max=200)], filters=[_strip])
    programme_session = SelectField("Programme slot", coerce=int, default=0)


class CategoryForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)], filters=[_strip])


class ConclusionSectionForm(FlaskForm):
    heading = StringField("Heading", validators=[DataRequired(), Length(max=300)], filters=[_strip])


class UserForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)], filters=[_strip])
    name = StringField("Full name", validators=[Length(max=200)], filters=[_strip])
    email = StringField("Email (optional)", validators=[Length(max=254)], filters=[_strip])
    password = PasswordField("Initial password", validators=[DataRequired(), Length(max=256)])


class AssignmentForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)], filters=[_strip])
    role = SelectField("Role", choices=[SelectChoice(r.value, r.label) for r in Role], default=Role.RAPPORTEUR.value)
    room = SelectField("Room", coerce=int, default=0)
