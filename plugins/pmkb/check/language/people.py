"""Who a noun phrase is: a named person, a pronoun, a role, the organisation, or a thing.

Names are recognised without the front-matter: a capitalised word is a person when it is
a common given name, a person the front-matter names, an @handle, or an unknown
capitalised word doing something only people do (`Zephyr forgot`). Software and company
names, the postmortem's services and tags, and the service catalog are never people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pmkb.check.language import lexicon
from pmkb.check.language.given_names import GIVEN_NAMES

if TYPE_CHECKING:
    from pmkb.check.language.sentences import Token
    from pmkb.read.postmortem import Postmortem
    from pmkb.read.services import ServiceCatalog

_NOT_NAMES = (
    lexicon.TECH_TERMS
    | lexicon.ROLES
    | lexicon.COLLECTIVE
    | lexicon.INDEFINITE_PEOPLE
    | lexicon.NON_HEADS
    | lexicon.DETERMINERS
    | lexicon.PERSON_PRONOUNS
)
Kind = Literal["name", "pronoun", "role", "someone", "organisation", "thing"]
PERSONS: frozenset[Kind] = frozenset({"name", "pronoun", "role", "someone"})
INDIVIDUALS: frozenset[Kind] = frozenset({"name", "pronoun"})
"""Named people: a `because the tool …` explanation does not excuse naming them."""


@dataclass(frozen=True)
class Agent:
    kind: Kind
    tokens: tuple[Token, ...]

    @property
    def is_person(self) -> bool:
        return self.kind in PERSONS

    @property
    def start(self) -> int:
        return self.tokens[0].start

    def words(self, text: str) -> str:
        """The words naming the agent, as written (without a possessive 's)."""
        last = self.tokens[-1]
        end = last.end - 2 if last.is_possessive else last.end
        return text[self.tokens[0].start : end]


@dataclass
class People:
    """What one postmortem tells about names: who is a person, what is not."""

    known: frozenset[str] = frozenset()
    """Lower-case names (and first names) of the authors, the commander and the owners."""
    not_people: frozenset[str] = field(default_factory=frozenset)
    """Lower-case services, catalog entries and tags."""

    @classmethod
    def of(cls, postmortem: Postmortem, catalog: ServiceCatalog | None = None) -> People:
        meta = postmortem.meta
        names = [*(meta.authors or []), meta.incident_commander or ""]
        names += [item.owner for item in postmortem.action_items]
        known = {part.lower() for name in names for part in name.split() if part[:1].isupper()}
        things = {*(meta.services or []), *meta.tags}
        if catalog is not None:
            things |= set(catalog.services)
        return cls(frozenset(known), frozenset(thing.lower() for thing in things))

    def is_name(self, token: Token, *, human_evidence: bool = False) -> bool:
        """Whether a word is a person's name. `human_evidence`: it does what only people do."""
        if token.text.startswith("@") and len(token.text) > 1:
            return True
        if not token.is_titlecase:
            return False
        base = token.base
        if base in _NOT_NAMES or base in self.not_people:
            return False
        return base in GIVEN_NAMES or base in self.known or human_evidence

    def classify(self, phrase: list[Token], *, human_evidence: bool = False) -> Agent | None:
        """What a noun phrase (its head last) refers to; None when it is no noun phrase."""
        if not phrase:
            return None
        head = phrase[-1]
        word = head.base
        if word in lexicon.PERSON_PRONOUNS:
            return Agent("pronoun", (head,))
        if word in lexicon.COLLECTIVE:
            return Agent("organisation", (head,))
        if word in lexicon.INDEFINITE_PEOPLE:
            return Agent("someone", (head,))
        if word in lexicon.NON_HEADS or word in lexicon.DETERMINERS:
            return None
        names = [t for t in phrase if self.is_name(t, human_evidence=human_evidence)]
        if names and (names[-1] is head or head.is_titlecase):
            first = phrase.index(names[0])
            return Agent("name", tuple(phrase[first:]))
        if word in lexicon.ROLES:
            words = {t.base for t in phrase}
            if word in lexicon.AMBIGUOUS_ROLES and words & (
                lexicon.SYSTEM_MODIFIERS | lexicon.TECH_TERMS | self.not_people
            ):
                return Agent("thing", tuple(phrase))
            start = next((i for i, t in enumerate(phrase) if t.lower not in lexicon.DETERMINERS), 0)
            return Agent("role", tuple(phrase[start:]) or (head,))
        if word == "member" and len(phrase) > 1 and phrase[-2].base == "team":
            return Agent("role", tuple(phrase[-2:]))
        return Agent("thing", tuple(phrase))
