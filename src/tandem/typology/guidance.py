"""What each preference tends to mean at work: the wording of profiles, team tables and pair cards.

Written for Tandem. The language is tentative on purpose ("often", "may", "tends to"): a type
describes what someone prefers, not what they can do, and everyone uses both poles of every pair.
Plain Python, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from tandem.analysis.typology import PAIR_BY_ID, PAIR_OF_LETTER, PairContrast

TIPS_PER_PAIR_CARD: Final = 3


@dataclass(frozen=True)
class PoleGuidance:
    communication: str
    decisions: str
    meetings: str
    stress: str
    needs: str  # what someone with this preference tends to need from a partner
    blind_spot: str  # what a team in which most share this preference may overlook


POLES: Final[dict[str, PoleGuidance]] = {
    "E": PoleGuidance(
        communication="You may find that you work out your ideas by talking them through, and "
        "prefer a quick conversation to a long e-mail.",
        decisions="You may like to test options out loud with others before settling on one.",
        meetings="You may speak early and think as you speak; a silent room can feel like a "
        "stalled one.",
        stress="Under pressure you may look for people to talk to, and find being cut off from "
        "the team hard.",
        needs="time to talk ideas through, and a response in the moment rather than later",
        blind_spot="quiet reflection before acting, and the views of people who do not speak up",
    ),
    "I": PoleGuidance(
        communication="You may prefer to think before you speak, and to put considered views in "
        "writing.",
        decisions="You may like to reflect on your own before committing, and to come back with a "
        "settled view.",
        meetings="You may speak later in a discussion, once you have heard it out; papers in "
        "advance often help.",
        stress="Under pressure you may withdraw to think, which others can misread as agreement "
        "or disengagement.",
        needs="papers in advance and time to reflect before being asked for a view",
        blind_spot="talking ideas through early, and keeping people informed while thinking",
    ),
    "S": PoleGuidance(
        communication="You may prefer specific facts, examples and clear next steps.",
        decisions="You may rely on evidence and on what has worked before.",
        meetings="You may want the detail checked and the practical consequences understood.",
        stress="Under pressure you may focus hard on detail and find vague plans frustrating.",
        needs="concrete facts, figures and a clear account of what happens next",
        blind_spot="the longer-term picture and new possibilities",
    ),
    "N": PoleGuidance(
        communication="You may start with the big picture and the idea behind it, and fill in "
        "detail later.",
        decisions="You may be drawn to options that open new possibilities, and trust patterns "
        "you notice.",
        meetings="You may link topics and jump ahead to what they could lead to.",
        stress="Under pressure you may lose patience with routine detail, or overlook it.",
        needs="the purpose and the big picture before the detail",
        blind_spot="practical detail, and what the facts on the ground say",
    ),
    "T": PoleGuidance(
        communication="You may be direct and brief, and value a clear argument.",
        decisions="You may weigh options by logic, consistency and fair rules applied to all.",
        meetings="You may question ideas to test them, which is not meant personally.",
        stress="Under pressure you may become more critical, and less aware of how it lands.",
        needs="a clear rationale, and critique of the idea rather than reassurance",
        blind_spot="how decisions affect people, and what they value",
    ),
    "F": PoleGuidance(
        communication="You may pay attention to how a message will be received, and value warmth "
        "and appreciation.",
        decisions="You may weigh options by their effect on people and on what matters to them.",
        meetings="You may notice the mood of the room, and work to keep people on board.",
        stress="Under pressure you may take conflict to heart, or avoid it for the sake of "
        "harmony.",
        needs="recognition, and attention to how a decision affects staff and patients",
        blind_spot="tough logical analysis, and consistency when applying rules",
    ),
    "J": PoleGuidance(
        communication="You may like clear conclusions and agreed actions.",
        decisions="You may prefer to decide early and move on, so that others can plan.",
        meetings="You may want an agenda, a time limit and actions with owners.",
        stress="Under pressure you may push to close things down before the facts are in.",
        needs="early decisions, plans that stay put, and deadlines that are kept",
        blind_spot="staying open to new information, and adapting once a plan is set",
    ),
    "P": PoleGuidance(
        communication="You may like to keep options open and explore before concluding.",
        decisions="You may prefer to gather more information and decide closer to the time.",
        meetings="You may welcome discussion that follows new threads, and last-minute changes.",
        stress="Under pressure you may juggle many open tasks and leave decisions late.",
        needs="room to explore, and flexibility when new information arrives",
        blind_spot="closing decisions and keeping to agreed plans and deadlines",
    ),
}

# A tip for a pair who differ on a preference, and for a pair who share one (their blind spot).
DIFFERENCE_TIPS: Final[dict[str, str]] = {
    "ei": "Send the agenda a day ahead, and leave a pause before decisions so that the quieter "
    "partner's view is heard, not assumed.",
    "sn": "Open each item with the goal, then agree the facts and the next practical steps "
    "before you close it.",
    "tf": "For each decision, name both the logic and the effect on staff and patients before "
    "you agree it.",
    "jp": "Agree which decisions must be made today and which can stay open, and put a date on "
    "the open ones.",
}
SHARED_TIPS: Final[dict[str, str]] = {
    "E": "You both think aloud: note down what you actually agreed before you leave the room.",
    "I": "You both reflect before speaking: agree how you will tell each other, and your teams, "
    "what you have decided.",
    "S": "You both start from the facts: now and then, give a meeting to where the service "
    "should be in three years.",
    "N": "You both enjoy the big picture: end each meeting by agreeing who does what, by when.",
    "T": "You both lead with logic: ask each time who the decision affects and how they will "
    "hear about it.",
    "F": "You both look after relationships: make sure hard messages are still said clearly.",
    "J": "You both like to decide quickly: before closing an item, ask what new information "
    "could change it.",
    "P": "You both like to keep options open: agree a date by which each open decision will "
    "be made.",
}


def pole_name(letter: str) -> str:
    return PAIR_OF_LETTER[letter].name_of(letter)


def meeting_tips(contrast: PairContrast) -> list[str]:
    """Three tips: one per preference the pair differ on, then their shared blind spots."""
    tips = [DIFFERENCE_TIPS[pair_id] for pair_id in contrast.differing]
    tips.extend(SHARED_TIPS[letter] for _, letter in contrast.same)
    return tips[:TIPS_PER_PAIR_CARD]


def pair_title(pair_id: str) -> str:
    pair = PAIR_BY_ID[pair_id]
    return f"{pair.first_name}–{pair.second_name}"
