from .agreements import Agreement, Goal
from .applications import Application, ConsentRecord, PairRule, Role
from .feedback import FeedbackResponse
from .matching import MatchingRun, Proposal, Tandem
from .pages import ProgrammePage, ProgrammePageMixin
from .programmes import Criterion, Fairness, MatchingMode, Programme

__all__ = [
    "Agreement", "Goal", "Application", "ConsentRecord", "Criterion", "FeedbackResponse", "Fairness", "MatchingMode", "MatchingRun", "PairRule",
    "Programme", "ProgrammePage", "ProgrammePageMixin", "Proposal", "Role", "Tandem",
]
