from .confirmations import ArticleReview, ReadConfirmation
from .pages import (
    GROUP_SUFFIX,
    KnowledgeArticlePage,
    KnowledgeSpacePage,
    SpaceRole,
    Visibility,
)
from .workflows import FourEyesApprovalTask

__all__ = [
    "GROUP_SUFFIX",
    "ArticleReview",
    "FourEyesApprovalTask",
    "KnowledgeArticlePage",
    "KnowledgeSpacePage",
    "ReadConfirmation",
    "SpaceRole",
    "Visibility",
]
