"""The portal's sections, in the order the header shows them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    title: str
    href: str
    description: str
    ready: bool


SECTIONS = (
    Section(
        "Organisations",
        "/organisations/",
        "Every integrated care board, place, provider and collaborative, and whom each serves.",
        ready=True,
    ),
    Section(
        "Money",
        "/money/",
        "Fair shares, place budgets, the books, and where every pound goes.",
        ready=True,
    ),
    Section(
        "Decisions",
        "/arranging/",
        "How services were arranged under the provider selection regime, and why.",
        ready=True,
    ),
    Section(
        "Boards",
        "/boards/",
        "Board members, their declared interests, meetings, votes and recusals.",
        ready=True,
    ),
    Section(
        "Plans",
        "/plans/",
        "The integrated care strategy, the joint forward plan, their aims and what serves them.",
        ready=True,
    ),
    Section(
        "People",
        "/people/",
        "Staff by organisation and staff group, and staff who moved between organisations.",
        ready=True,
    ),
    Section(
        "Regimes",
        "/regimes/",
        "The rules as code: each legal regime, its dated parameters and its rules.",
        ready=True,
    ),
)
