"""Every model in one import, for Alembic and for create_app."""

from valuma_space.auth.models import User
from valuma_space.auth.tokens import LinkToken
from valuma_space.comments.models import Agreement, Comment, CommentDraft, CommentRevision
from valuma_space.events.models import Event, Registration
from valuma_space.mail.models import OutboxMessage
from valuma_space.materials.models import Attachment, Page, Section, SectionVersion
from valuma_space.modeldesign.models import (
    Alternative,
    Assessment,
    CommentLink,
    Criterion,
    Theme,
    comment_themes,
)
from valuma_space.moderation.models import ModerationLogEntry, ModeratorNote, Report
from valuma_space.notifications.models import Digest, Notification
from valuma_space.polls.models import (
    Answer,
    AnswerDraft,
    AnswerItem,
    AnswerLink,
    AnswerTheme,
    Question,
    QuestionVersion,
)
from valuma_space.tasks.models import Job
from valuma_space.workspaces.models import Invitation, Phase, Workspace

__all__ = [
    "Agreement",
    "Alternative",
    "Answer",
    "AnswerDraft",
    "AnswerItem",
    "AnswerLink",
    "AnswerTheme",
    "Assessment",
    "Attachment",
    "Comment",
    "CommentDraft",
    "CommentLink",
    "CommentRevision",
    "Criterion",
    "Digest",
    "Event",
    "Invitation",
    "Job",
    "LinkToken",
    "ModerationLogEntry",
    "ModeratorNote",
    "Notification",
    "OutboxMessage",
    "Page",
    "Phase",
    "Question",
    "QuestionVersion",
    "Registration",
    "Report",
    "Section",
    "SectionVersion",
    "Theme",
    "User",
    "Workspace",
    "comment_themes",
]
