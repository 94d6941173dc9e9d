"""NATO/Admiralty grading: source reliability A-F and information credibility 1-6."""

from __future__ import annotations

RELIABILITY = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
CREDIBILITY = {
    1: "Confirmed by other sources",
    2: "Probably true",
    3: "Possibly true",
    4: "Doubtful",
    5: "Improbable",
    6: "Truth cannot be judged",
}


def reliability_message(text: str) -> str:
    """What is wrong with a reliability grade outside A-F (import and edit alike)."""
    return f"source reliability must be one of A-F, not {text!r}"


def credibility_message(text: str) -> str:
    """What is wrong with a credibility grade outside 1-6 (import and edit alike)."""
    return f"information credibility must be 1-6, not {text!r}"


def normalise_reliability(text: str) -> str | None:
    """'b', ' B ' -> 'B'; '' -> None; anything else raises ValueError."""
    value = text.strip().upper()
    if not value:
        return None
    if value not in RELIABILITY:
        raise ValueError(reliability_message(text))
    return value


def normalise_credibility(text: str) -> int | None:
    """'2', '2.0' -> 2; '' -> None; anything else raises ValueError."""
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = 0.0
    if number not in CREDIBILITY:
        raise ValueError(credibility_message(text))
    return int(number)


def describe_grade(reliability: str | None, credibility: int | None) -> str:
    """'B2 (usually reliable, probably true)'; '' when ungraded.

    A half grade names what it grades instead of standing a dash for the missing
    letter or digit ('-3' reads as minus three): 'credibility 3 (possibly true;
    source reliability not graded)', 'reliability B (usually reliable; information
    credibility not graded)'."""
    if reliability is None and credibility is None:
        return ""
    if reliability is not None and credibility is not None:
        words = f"{RELIABILITY[reliability].lower()}, {CREDIBILITY[credibility].lower()}"
        return f"{reliability}{credibility} ({words})"
    if credibility is not None:
        return (
            f"credibility {credibility} ({CREDIBILITY[credibility].lower()}; "
            "source reliability not graded)"
        )
    assert reliability is not None
    return (
        f"reliability {reliability} ({RELIABILITY[reliability].lower()}; "
        "information credibility not graded)"
    )
